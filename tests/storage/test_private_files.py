"""Database files and backups are the bot user's alone, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.database import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


async def test_created_private_with_an_open_umask(tmp_path: Path, open_umask: None) -> None:
    shared = tmp_path / "srv"
    shared.mkdir()
    shared.chmod(0o755)
    db = Database(shared / "a" / "b" / "bot.sqlite3")
    await db.connect()
    try:
        await db.execute(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (1, 'A', 'x', 'x')"
        )
        files = [
            db.path,
            db.path.with_name("bot.sqlite3-wal"),
            db.path.with_name("bot.sqlite3-shm"),
        ]
        assert [mode(f) for f in files] == [0o600] * 3
        assert (mode(shared / "a"), mode(shared / "a" / "b")) == (0o700, 0o700)
        assert mode(shared) == 0o755  # a folder that existed is left alone
        target = tmp_path / "backups" / "copy.sqlite3"
        await db.backup(target)
        assert (mode(target), mode(target.parent)) == (0o600, 0o700)
    finally:
        await db.close()


async def test_an_older_wider_database_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    await db.connect()
    await db.close()
    path.chmod(0o644)
    db = Database(path)
    await db.connect()
    try:
        assert mode(path) == 0o600
        assert mode(path.with_name("bot.sqlite3-wal")) == 0o600
    finally:
        await db.close()
