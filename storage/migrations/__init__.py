"""Numbered SQL migrations (`NNNN_name.sql`), applied in order and recorded in user_version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FILE_RE = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: Path = Path(__file__).parent) -> list[Migration]:
    migrations = []
    for path in folder.iterdir():
        match = _FILE_RE.match(path.name)
        if match:
            migrations.append(
                Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8"))
            )
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return migrations
