"""Access to the trimmed Bot API schema (``schema.json``, made by ``make_schema.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("schema.json")


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool
    const: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: tuple[Field, ...]
    subtypes: tuple[str, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    params: tuple[Field, ...]
    returns: tuple[str, ...]

    def param(self, name: str) -> Field | None:
        return next((p for p in self.params if p.name == name), None)


def _fields(raw: list[dict[str, Any]]) -> tuple[Field, ...]:
    return tuple(
        Field(f["name"], tuple(f["types"]), bool(f["required"]), f.get("const")) for f in raw
    )


class Schema:
    """Methods and types of the Bot API; method names are matched case-insensitively."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw.get("version", "")
        self.methods = {
            name: MethodSpec(name, _fields(spec["params"]), tuple(spec["returns"]))
            for name, spec in raw["methods"].items()
        }
        self.types = {
            name: TypeSpec(name, _fields(spec["fields"]), tuple(spec.get("subtypes", ())))
            for name, spec in raw["types"].items()
        }
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    def method(self, name: str) -> MethodSpec | None:
        return self._by_lower.get(name.lower())


@cache
def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    return Schema(json.loads(path.read_text(encoding="utf-8")))
