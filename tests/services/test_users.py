"""The user directory: a row written at most once a minute, never served stale."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.users import TelegramIdentity, UserDirectory
from storage.database import Database
from storage.models import Audience
from storage.repositories import Repositories

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
    await users.seen(1, ANNA, in_private=True)
    first = await last_seen(db)
    ticker.now = 30
    await users.seen(1, ANNA, in_private=True)
    assert await last_seen(db) == first
    ticker.now = 61
    await users.seen(1, ANNA, in_private=True)
    assert await last_seen(db) != first


async def test_changed_name_is_written_at_once(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA, in_private=True)
    renamed = await users.seen(
        1, TelegramIdentity("Анна", "Петрова", "anna", "ru"), in_private=True
    )
    assert renamed.last_name == "Петрова"
    row = await db.fetch_one("SELECT last_name FROM users WHERE id = 1")
    assert row is not None and row["last_name"] == "Петрова"


async def test_blocked_user_who_writes_again_is_active(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA, in_private=True)
    await users.mark_inactive(1)
    again = await users.seen(1, ANNA, in_private=True)
    assert again.is_active
    row = await db.fetch_one("SELECT is_active FROM users WHERE id = 1")
    assert row is not None and row["is_active"] == 1


async def test_language_choice_is_seen_by_the_next_update(db: Database) -> None:
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    await users.seen(1, ANNA, in_private=True)
    await users.set_language(1, "en")
    assert (await users.seen(1, ANNA, in_private=True)).language == "en"


async def test_only_a_private_chat_puts_someone_in_everyone(db: Database) -> None:
    """A staff member seen only in the group never started the bot: Telegram would refuse
    a broadcast to him, and a group message does not make a blocked user active again."""
    users = UserDirectory(db, lambda: NOW, monotonic=Ticker())
    broadcasts = Repositories(db).broadcasts
    await users.seen(1, ANNA, in_private=False)
    assert await broadcasts.count_audience(Audience.ALL, None) == 0
    await users.seen(1, ANNA, in_private=True)  # within the minute: not swallowed by the cache
    assert await broadcasts.count_audience(Audience.ALL, None) == 1

    await Repositories(db).users.mark_inactive(1)
    users.forget(1)
    await users.seen(1, ANNA, in_private=False)
    assert await broadcasts.count_audience(Audience.ALL, None) == 0
    users.forget(1)
    await users.seen(1, ANNA, in_private=True)
    assert await broadcasts.count_audience(Audience.ALL, None) == 1
