"""The user directory: a row written at most once a minute, never served stale."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.users import TelegramIdentity, UserDirectory
from storage.database import Database

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
ANNA = TelegramIdentity("Анна", None, "anna", "ru")


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def last_seen(db: Database) -> str:
    row = await db.fetch_one("SELECT last_seen_at FROM users WHERE id = 1")
    assert row is not None
    return str(row["last_seen_at"])


async def test_unchanged_user_is_written_once_a_minute(db: Database) -> None:
    ticker, moments = Ticker(), iter([NOW.replace(minute=m) for m in range(10)])
    users = UserDirectory(db, lambda: next(moments), monotonic=ticker)
    await users.seen(1, ANNA)
    first = await last_seen(db)
    ticker.now = 30
    await users.seen(1, ANNA)
    assert await last_seen(db) == first
    ticker.now = 61
    await users.seen(1, ANNA)
    assert await last_seen(db) != first


async def test_changed_name_is_written_at_once(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA)
    renamed = await users.seen(1, TelegramIdentity("Анна", "Петрова", "anna", "ru"))
    assert renamed.last_name == "Петрова"
    row = await db.fetch_one("SELECT last_name FROM users WHERE id = 1")
    assert row is not None and row["last_name"] == "Петрова"


async def test_blocked_user_who_writes_again_is_active(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA)
    await users.mark_inactive(1)
    again = await users.seen(1, ANNA)
    assert again.is_active
    row = await db.fetch_one("SELECT is_active FROM users WHERE id = 1")
    assert row is not None and row["is_active"] == 1


async def test_language_choice_is_seen_by_the_next_update(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA)
    await users.set_language(1, "en")
    assert (await users.seen(1, ANNA)).language == "en"
