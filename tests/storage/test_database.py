"""The connection manager: transactions roll back whole, backups are consistent copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.database import Database


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (id, first_name, created_at, last_seen_at) "
                "VALUES (1, 'A', 'x', 'x')"
            )
            raise RuntimeError("boom")
    assert await db.fetch_one("SELECT * FROM users") is None


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO registrations (seminar_id, user_id, status, created_at, status_changed_at)"
            " VALUES (999, 1, 'confirmed', 'x', 'x')"
        )


async def test_backup_is_a_complete_copy(db: Database, tmp_path: Path) -> None:
    await db.execute(
        "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (7, 'B', 'x', 'x')"
    )
    target = tmp_path / "backup" / "copy.sqlite3"
    await db.backup(target)
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT id FROM users").fetchall() == [(7,)]
