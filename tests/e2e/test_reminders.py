"""Reminders through real HTTP: on time, once per offset, across SIGKILL and downtime.

Seminars are seeded in the SQLite file before the bot starts, a minute or less ahead,
with `REMINDER_OFFSETS` in seconds, so the whole story runs in well under a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.models import RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot

ALLOWED_LATENESS = 30.0  # seconds after its due time a reminder may arrive
REMINDER_MARK = "Напоминание о семинаре"
TITLE = "Социальное предпринимательство: старт"


@dataclass
class Seeded:
    seminar_id: int
    starts_at: datetime


async def seed(
    db_path: Path,
    starts_in: timedelta,
    registrants: list[tuple[FakeUser, RegistrationStatus, datetime]],
    capacity: int = 1,
) -> Seeded:
    """A published seminar and its registrations, written before the bot opens the file."""
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        seminar = await repos.seminars.create(
            TITLE, "", now + starts_in, "Тюмень, Республики 1", capacity, None, now
        )
        for user, status, registered_at in registrants:
            await repos.users.record_seen(
                user.id, user.first_name, None, user.username, user.language_code, registered_at
            )
            await repos.registrations.insert(seminar.id, user.id, status, registered_at)
        return Seeded(seminar.id, seminar.starts_at)
    finally:
        await db.close()


async def registration_row(db_path: Path, seminar_id: int, user_id: int) -> tuple[str, str | None]:
    db = Database(db_path)
    await db.connect()
    try:
        row = await db.fetch_one(
            "SELECT status, attendance FROM registrations WHERE seminar_id = ? AND user_id = ?"
            " ORDER BY id DESC",
            (seminar_id, user_id),
        )
    finally:
        await db.close()
    assert row is not None
    return row["status"], row["attendance"]


def seconds_until(moment: datetime) -> float:
    return (moment - datetime.now(UTC)).total_seconds()


async def wait_reminder(user: FakeUser, due_at: datetime) -> BotMessage:
    """The next reminder, which must arrive no later than ALLOWED_LATENESS after `due_at`."""
    message = await user.wait_message(
        REMINDER_MARK, timeout=max(seconds_until(due_at), 0) + ALLOWED_LATENESS
    )
    lateness = -seconds_until(due_at)
    assert lateness <= ALLOWED_LATENESS, f"reminder came {lateness:.1f}s after its time"
    assert lateness >= -1.0, f"reminder came {-lateness:.1f}s before its time"
    return message


def assert_no_refused_sends(api: FakeBotAPI) -> None:
    """Like `assert_no_rejections`, but a restart legitimately ends the old poll with 409."""
    refused = [str(r) for r in api.rejected if r.method != "getUpdates"]
    assert refused == [], refused


def reminders_in(api: FakeBotAPI, user: FakeUser) -> list[BotMessage]:
    return [m for m in api.messages(user.id) if m.contains(REMINDER_MARK)]


async def test_reminders_on_time_once_each_across_sigkill_and_cant_come_promotes(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    anna = fake_api.user(2001, "Анна", language_code="ru")
    boris = fake_api.user(2002, "Boris", username="boris", language_code="en")
    admin = fake_api.user(2999, "Админ", username="admin")
    db_path = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC)
    seminar = await seed(
        db_path,
        timedelta(seconds=150),
        [(anna, RegistrationStatus.CONFIRMED, now), (boris, RegistrationStatus.WAITLIST, now)],
    )
    # Lead times leave room for a start-up of up to 40 s on a loaded machine.
    env = {"REMINDER_OFFSETS": "110s,60s", "ADMIN_IDS": str(admin.id)}
    first_bot = await run_bot(env)

    first = await wait_reminder(anna, seminar.starts_at - timedelta(seconds=110))
    first_bot.kill()
    await first_bot.process.wait()
    assert TITLE in (first.text or "")
    assert "Тюмень, Республики 1" in (first.text or "")
    local_start = seminar.starts_at.astimezone(ZoneInfo("Asia/Yekaterinburg"))
    assert f"{local_start:%H:%M}" in (first.text or "")
    assert first.buttons == ["Приду", "Не смогу"]

    await run_bot(env)
    second = await wait_reminder(anna, seminar.starts_at - timedelta(seconds=60))
    # Start-up re-ran every due reminder before polling, so a resent first one would be here.
    assert [m.message_id for m in reminders_in(fake_api, anna)] == [
        first.message_id,
        second.message_id,
    ]
    assert reminders_in(fake_api, boris) == []
    summary = await admin.wait_message(TITLE, timeout=1)
    assert summary.contains("Записаны: 1") and summary.contains("В листе ожидания: 1")
    assert len([m for m in admin.messages if m.contains(TITLE)]) == 1

    query_id = await anna.press("Не смогу", message_id=second.message_id)
    answer = await fake_api.wait_callback_answer(query_id)
    assert "отменена" in answer.get("text", "")
    await anna.wait_edit(second.message_id, "запись отменена")
    assert await registration_row(db_path, seminar.seminar_id, anna.id) == ("cancelled", "no")
    assert await registration_row(db_path, seminar.seminar_id, boris.id) == ("confirmed", None)
    assert_no_refused_sends(fake_api)


async def test_reminder_missed_while_down_arrives_late_once(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    anna = fake_api.user(3001, "Анна")
    late = fake_api.user(3002, "Lena", username="lena", language_code="en")
    db_path = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC)
    # The 11m reminder fell due a minute ago while no bot was running; Anna registered two
    # minutes before that, Lena only after it, so only Anna is owed the late reminder. The
    # seminar starts in ten minutes, so a slow start-up cannot let it begin mid-test.
    seminar = await seed(
        db_path,
        timedelta(minutes=10),
        [
            (anna, RegistrationStatus.CONFIRMED, now - timedelta(minutes=3)),
            (late, RegistrationStatus.CONFIRMED, now - timedelta(seconds=5)),
        ],
        capacity=5,
    )
    env = {"REMINDER_OFFSETS": "11m"}
    bot = await run_bot(env)
    started = time.monotonic()
    message = await anna.wait_message(REMINDER_MARK, timeout=10)
    assert time.monotonic() - started < 10
    assert TITLE in (message.text or "")
    await bot.stop()

    await run_bot(env)
    assert seconds_until(seminar.starts_at) > 3, "the seminar must not have started yet"
    await anna.assert_no_new_messages(within=3)
    await late.assert_no_new_messages(within=0.1)
    assert len(reminders_in(fake_api, anna)) == 1
    assert_no_refused_sends(fake_api)
