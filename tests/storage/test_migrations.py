"""Migrations: every earlier schema version upgrades to the latest, data kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrations import load_migrations
from storage.models import RegistrationStatus
from storage.repositories import Repositories
from storage.repositories.certificates import CertificateSubject, Qualifier
from storage.repositories.materials import MaterialMessage
from storage.timecodec import to_db

MIGRATIONS = load_migrations()


def schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    return [(name, sql) for name, sql in rows]


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


async def test_fresh_database_reaches_latest_version(tmp_path: Path) -> None:
    db = Database(tmp_path / "nested" / "dir" / "bot.sqlite3")
    await db.connect()
    await db.close()
    assert user_version(db.path) == MIGRATIONS[-1].version
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("start", range(len(MIGRATIONS)))
async def test_every_earlier_version_upgrades(tmp_path: Path, start: int) -> None:
    old_path = tmp_path / "old.sqlite3"
    old = Database(old_path, MIGRATIONS[:start])
    await old.connect()
    if start >= 1:
        await old.execute(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (1, 'A', 'x', 'x')"
        )
    await old.close()
    assert user_version(old_path) == start

    upgraded = Database(old_path)
    await upgraded.connect()
    await upgraded.close()

    fresh = Database(tmp_path / "fresh.sqlite3")
    await fresh.connect()
    await fresh.close()

    assert user_version(old_path) == MIGRATIONS[-1].version
    assert schema(old_path) == schema(fresh.path)
    if start >= 1:
        with sqlite3.connect(old_path) as conn:
            assert conn.execute("SELECT first_name FROM users WHERE id = 1").fetchone() == ("A",)


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {MIGRATIONS[-1].version + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await Database(path).connect()


async def test_failed_migration_leaves_version_unchanged(tmp_path: Path) -> None:
    from storage.migrations import Migration

    broken = [*MIGRATIONS[:1], Migration(2, "broken", "CREATE TABLE t (x); SELECT nope FROM t;")]
    db = Database(tmp_path / "b.sqlite3", broken)
    with pytest.raises(sqlite3.OperationalError):
        await db.connect()
    assert user_version(db.path) == 1
    assert "t" not in {name for name, _ in schema(db.path)}


async def test_after_seminar_claims_move_to_the_outbox(tmp_path: Path) -> None:
    """Surveys, materials and certificates leave their claim tables for the outbox: a
    claimed one becomes uncertain (never resent), a pending one stays to be sent."""
    version = next(m.version for m in MIGRATIONS if m.name == "after_seminar_outbox")
    path = tmp_path / "old.sqlite3"
    old = Database(path, MIGRATIONS[: version - 1])
    await old.connect()
    now = datetime(2026, 9, 25, 10, 0, tzinfo=UTC)
    repos = Repositories(old)
    await old.execute(  # as the code of that time wrote it
        "INSERT INTO users (id, first_name, language_code, created_at, last_seen_at)"
        " VALUES (7, 'Анна', 'ru', ?, ?)",
        (to_db(now), to_db(now)),
    )
    seminar = await repos.seminars.create("Семинар", "", now, "Тюмень", 5, None, now)
    registration = await repos.registrations.insert(
        seminar.id, 7, RegistrationStatus.CONFIRMED, now
    )
    subject = CertificateSubject(seminar.id, None, "Семинар", now, now, 120)
    await repos.certificates.insert("SE-AAAAAAAA", subject, Qualifier(7, "Анна"), 1, now)
    await old.execute("UPDATE certificates SET delivery = 'claimed'")
    await old.execute(
        "INSERT INTO feedback_deliveries VALUES (?, 'survey', 'sent', 'x', 'y')",
        (registration.id,),
    )
    await repos.materials.add(seminar.id, [MaterialMessage(1, 10), MaterialMessage(1, 11)], now)
    await old.execute(
        "INSERT INTO material_sends (seminar_id, audience, admin_id, created_at) "
        "VALUES (?, 'attendees', 1, 'x')",
        (seminar.id,),
    )
    await old.execute("INSERT INTO material_deliveries (send_id, user_id) VALUES (1, 7)")
    await old.close()

    upgraded = Database(path)
    await upgraded.connect()
    await upgraded.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT kind, ref, chat_id, status FROM outbox ORDER BY kind, ref"
        ).fetchall()
        batches = conn.execute("SELECT id, kind, reported_at IS NULL FROM delivery_batches")
        assert sorted(batches.fetchall()) == [(1, "materials", 1), (2, "certificate", 0)]
    assert rows == [
        ("certificate", "2:1", 7, "uncertain"),
        ("materials", "1:1", 7, "pending"),
        ("materials", "1:2", 7, "pending"),
        ("survey", str(registration.id), 7, "sent"),
    ]
