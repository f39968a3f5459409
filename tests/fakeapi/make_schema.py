"""Regenerate ``tests/fakeapi/schema.json``: a trimmed Bot API schema without descriptions.

Usage (from the repository root)::

    python -m tests.fakeapi.make_schema path/to/api.json

The source is the machine-readable Bot API description (a JSON file with ``methods`` and
``types``). The output is committed, so the tests never need the source file.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("schema.json")

# Subtypes carry a discriminator ("type", "source" or "status") whose fixed value
# is only stated in prose: 'Scope type, must be chat', 'always "creator"'.
_DISCRIMINATORS = ("type", "source", "status")
_CONST_RE = re.compile(r'(?:must be|always) [“"]?([a-z_]+)[”"]?')


def _trim_fields(fields: list[dict[str, Any]], const_field: bool) -> list[dict[str, Any]]:
    trimmed = []
    for field in fields:
        item: dict[str, Any] = {
            "name": field["name"],
            "types": list(field["types"]),
            "required": bool(field["required"]),
        }
        if const_field and field["name"] in _DISCRIMINATORS:
            match = _CONST_RE.search(field.get("description", ""))
            if match:
                item["const"] = match.group(1)
        trimmed.append(item)
    return trimmed


def trim(source: dict[str, Any]) -> dict[str, Any]:
    """Return the schema reduced to names, types, requiredness and subtypes."""
    subtype_names = {name for spec in source["types"].values() for name in spec.get("subtypes", [])}
    methods = {
        name: {
            "params": _trim_fields(spec.get("fields", []), const_field=False),
            "returns": list(spec.get("returns", [])),
        }
        for name, spec in sorted(source["methods"].items())
    }
    types: dict[str, Any] = {}
    for name, spec in sorted(source["types"].items()):
        entry: dict[str, Any] = {
            "fields": _trim_fields(spec.get("fields", []), const_field=name in subtype_names)
        }
        if "subtypes" in spec:
            entry["subtypes"] = list(spec["subtypes"])
        types[name] = entry
    return {"version": source.get("version", ""), "methods": methods, "types": types}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.fakeapi.make_schema path/to/api.json", file=sys.stderr)
        return 2
    source_path = Path(argv[1])
    source = json.loads(source_path.read_text(encoding="utf-8"))
    trimmed = trim(source)
    OUTPUT.write_text(
        json.dumps(trimmed, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUTPUT}: {len(trimmed['methods'])} methods, {len(trimmed['types'])} types")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
