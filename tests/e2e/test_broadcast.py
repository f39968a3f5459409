"""Broadcasts through real HTTP: 429s and blocked users (crashes: test_delivery_faults.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot

ADMIN_ID = 500_000
ANNOUNCEMENT = "Новый семинар по грантам: запись открыта"


async def seed_users(api: FakeBotAPI, db_path: Path, count: int) -> list[int]:
    """Users who started the bot earlier: rows in the database and chats on the server."""
    ids = list(range(1, count + 1))
    db = Database(db_path)
    await db.connect()
    users = Repositories(db).users
    for user_id in ids:
        await users.record_seen(user_id, f"User{user_id}", None, None, "ru", datetime.now(UTC))
        api.user(user_id, first_name=f"User{user_id}", username=None)
    await db.close()
    return ids


async def start_broadcast(api: FakeBotAPI, admin: FakeUser) -> tuple[int, int]:
    """/broadcast → Всем → the announcement → Отправить; returns (source, progress) ids."""
    await admin.send("/broadcast")
    menu = await admin.wait_message("Кому отправить рассылку")
    await admin.press("Всем", message_id=menu.message_id)
    await admin.wait_edit(menu.message_id, "Отправьте сообщение")
    source_id = await admin.send(ANNOUNCEMENT)
    await admin.wait_message(ANNOUNCEMENT)  # the very message, copied back
    note = await admin.wait_message("Отправить?")  # the audience; it becomes the progress
    await admin.press("Отправить", message_id=note.message_id)  # the note carries the buttons
    await admin.wait_edit(note.message_id, "отправлено")
    return source_id, note.message_id


def copies(api: FakeBotAPI, source_id: int) -> Counter[int]:
    """How many copies of the admin's message each chat received (preview excluded)."""
    received: Counter[int] = Counter()
    for params in api.calls("copyMessage"):
        if params["from_chat_id"] == ADMIN_ID and params["message_id"] == source_id:
            received[params["chat_id"]] += 1
    received[ADMIN_ID] -= 1
    return +received


async def test_broadcast_to_300_with_429s_and_blocked_users(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    ids = await seed_users(fake_api, tmp_path / "bot.sqlite3", 300)
    blocked = ids[5::30]
    for user_id in blocked:
        fake_api.block(user_id)
    admin = fake_api.user(ADMIN_ID, first_name="Admin")
    fake_api.set_rate_limit(30)
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": "60"})

    started = asyncio.get_running_loop().time()
    source_id, progress_id = await start_broadcast(fake_api, admin)
    report = await admin.wait_message("Доставлено", timeout=90)
    elapsed = asyncio.get_running_loop().time() - started

    assert len(blocked) == 10
    assert "Доставлено: 291" in report.text  # 290 participants and the admin
    assert "Заблокировано: 10" in report.text
    assert "Не доставлено (ошибки): 0" in report.text
    received = copies(fake_api, source_id)
    assert received == Counter({uid: 1 for uid in [*ids, ADMIN_ID] if uid not in blocked})
    assert all(not fake_api.messages(uid) for uid in blocked)
    assert fake_api.count_429 > 0  # BROADCAST_RATE 60 against a server allowing 30/s
    progress = fake_api.message(ADMIN_ID, progress_id)
    assert progress.text is not None and progress.text.endswith("отправлено 301 из 301")
    assert progress.buttons == []
    assert len(progress.history) <= elapsed / 3 + 3  # edited at most every 3 seconds
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        inactive = [row[0] for row in conn.execute("SELECT id FROM users WHERE is_active = 0")]
    assert sorted(inactive) == blocked
