"""Reminder rules with a controllable clock: offsets, late registration, moves, cancels, claims."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage, TelegramMethod

from bot.app import App
from bot.services.reminders import SWEEP_JOB_ID, job_id
from storage.models import DeliveryStatus, RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from storage.repositories.reminders import REMINDER_KIND
from tests.recording import RecordingSession
from tests.services.conftest import ADMIN_ID, FakeClock

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


async def make_seminar(app: App, clock: FakeClock, starts_in: timedelta) -> Seminar:
    return await Repositories(app.db).seminars.create(
        title="Социальный бизнес <с нуля>",
        description="",
        starts_at=clock() + starts_in,
        place="Тюмень, ул. Республики, 1",
        capacity=10,
        created_by=ADMIN_ID,
        now=clock(),
    )


async def register(
    app: App,
    clock: FakeClock,
    seminar: Seminar,
    user_id: int,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
    language_code: str = "ru",
) -> int:
    repos = Repositories(app.db)
    await repos.users.record_seen(user_id, f"U{user_id}", None, None, language_code, clock())
    registration = await repos.registrations.insert(seminar.id, user_id, status, clock())
    return registration.id


def reminders_to(session: RecordingSession, chat_id: int) -> list[SendMessage]:
    return [
        call
        for call in session.of_type(SendMessage)
        if call.chat_id == chat_id and call.text.startswith("🔔")
    ]


async def reminder_status(
    app: App, seminar_id: int, user_id: int, offset_seconds: int
) -> DeliveryStatus | None:
    ref = f"{seminar_id}:{offset_seconds}"
    return await Repositories(app.db).outbox.status(REMINDER_KIND, ref, user_id)


def run_date(app: App, job: str) -> datetime:
    scheduled = app.scheduler.get_job(job)
    assert scheduled is not None, f"no job {job}"
    moment: datetime = scheduled.trigger.run_date
    return moment


async def test_schedule_adds_one_job_per_offset_at_its_due_time(app: App, clock: FakeClock) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=3))
    await app.reminders.schedule_seminar(seminar)
    assert job_id(seminar.id, DAY) == f"reminder:{seminar.id}:1d"
    assert job_id(seminar.id, timedelta(seconds=90)) == f"reminder:{seminar.id}:90s"
    assert run_date(app, f"reminder:{seminar.id}:1d") == seminar.starts_at - DAY
    assert run_date(app, f"reminder:{seminar.id}:1h") == seminar.starts_at - HOUR


async def test_offset_already_past_runs_now(app: App, clock: FakeClock) -> None:
    seminar = await make_seminar(app, clock, timedelta(hours=5))
    await app.reminders.schedule_seminar(seminar)
    assert run_date(app, f"reminder:{seminar.id}:1d") == clock()
    assert run_date(app, f"reminder:{seminar.id}:1h") == seminar.starts_at - HOUR


async def test_each_offset_reaches_confirmed_users_once(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await register(app, clock, seminar, 2, RegistrationStatus.WAITLIST)
    await register(app, clock, seminar, 3, language_code="en")

    clock.now = seminar.starts_at - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    [ru] = reminders_to(session, 1)
    assert "Социальный бизнес &lt;с нуля&gt;" in ru.text
    assert "Тюмень, ул. Республики, 1" in ru.text
    # 06:00 UTC + 3 days is 11:00 in Asia/Yekaterinburg (UTC+5).
    assert "12 марта" in ru.text and "11:00" in ru.text
    assert ru.reply_markup is not None
    buttons = [b.text for row in ru.reply_markup.inline_keyboard for b in row]
    assert buttons == ["Приду", "Не смогу"]
    [en] = reminders_to(session, 3)
    assert "12 March" in en.text
    assert [b.text for row in en.reply_markup.inline_keyboard for b in row] == [
        "I'll come",
        "Can't come",
    ]
    assert reminders_to(session, 2) == []

    clock.now = seminar.starts_at - HOUR
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 2
    assert len(reminders_to(session, 3)) == 2
    status = await reminder_status(app, seminar.id, 1, 3600)
    assert status is DeliveryStatus.SENT


async def test_late_registration_skips_passed_offset_but_gets_later_one(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    clock.now = seminar.starts_at - timedelta(hours=12)
    await register(app, clock, seminar, 1)
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []

    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 1


async def test_promotion_time_counts_as_registration_time(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    registration_id = await register(app, clock, seminar, 1, RegistrationStatus.WAITLIST)
    clock.now = seminar.starts_at - timedelta(hours=3)
    await Repositories(app.db).registrations.set_status(
        registration_id, RegistrationStatus.CONFIRMED, clock()
    )
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []
    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 1


async def test_missed_reminder_is_sent_late_but_not_after_start(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    clock.now = seminar.starts_at - timedelta(hours=20)
    await app.reminders.restore()
    assert run_date(app, f"reminder:{seminar.id}:1d") == clock()
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 1

    clock.now = seminar.starts_at + timedelta(minutes=1)
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 1


async def test_moved_seminar_reschedules_early_job_and_schedule_moves_jobs(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await app.reminders.schedule_seminar(seminar)
    new_start = seminar.starts_at + timedelta(days=1)
    await Repositories(app.db).seminars.update(seminar.id, clock(), starts_at=new_start)

    # The old 24h job fires at the old time: nothing is sent, the job moves itself.
    clock.now = seminar.starts_at - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []
    assert run_date(app, f"reminder:{seminar.id}:1d") == new_start - DAY

    moved = await Repositories(app.db).seminars.get(seminar.id)
    assert moved is not None
    await app.reminders.schedule_seminar(moved)
    assert run_date(app, f"reminder:{seminar.id}:1h") == new_start - HOUR

    clock.now = new_start - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert len(reminders_to(session, 1)) == 1


async def test_cancelled_seminar_drops_jobs_and_sends_nothing(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await app.reminders.schedule_seminar(seminar)
    await Repositories(app.db).seminars.set_status(seminar.id, SeminarStatus.CANCELLED, clock())
    await app.reminders.drop_seminar(seminar.id)
    assert app.scheduler.get_job(f"reminder:{seminar.id}:1d") is None
    assert app.scheduler.get_job(f"reminder:{seminar.id}:1h") is None

    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert session.of_type(SendMessage) == []


async def test_cancelled_registration_gets_no_reminder(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await app.registration.cancel(1, seminar.id)
    clock.now = seminar.starts_at - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []


async def test_concurrent_runs_claim_each_delivery_once(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    for user_id in range(1, 6):
        await register(app, clock, seminar, user_id)
    clock.now = seminar.starts_at - HOUR
    await asyncio.gather(
        app.reminders.run_reminder(seminar.id, 3600),
        app.reminders.run_reminder(seminar.id, 3600),
        app.reminders.deliver(seminar, HOUR),
    )
    await app.outbox.run_until_idle()
    for user_id in range(1, 6):
        assert len(reminders_to(session, user_id)) == 1


async def test_claim_left_by_a_crash_is_never_resent(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    repos = Repositories(app.db)
    clock.now = seminar.starts_at - HOUR
    assert await app.reminders.deliver(seminar, HOUR) == 1
    claimed = await repos.outbox.claim_next(clock())  # the process dies right after the claim
    assert claimed is not None and claimed.chat_id == 1
    assert await repos.outbox.mark_in_flight_uncertain(clock()) == 1  # the next start
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []
    assert await reminder_status(app, seminar.id, 1, 3600) is DeliveryStatus.UNCERTAIN


async def test_inactive_user_is_skipped(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await Repositories(app.db).users.mark_inactive(1)
    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    assert reminders_to(session, 1) == []
    status = await reminder_status(app, seminar.id, 1, 3600)
    assert status is DeliveryStatus.SKIPPED


async def test_admins_get_one_summary_with_the_first_reminder(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    await register(app, clock, seminar, 2)
    await register(app, clock, seminar, 3, RegistrationStatus.WAITLIST)
    clock.now = seminar.starts_at - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    [summary] = session.texts(ADMIN_ID)
    assert "Записаны: 2" in summary
    assert "В листе ожидания: 1" in summary
    assert "Подтвердили участие: 0" in summary


async def test_summary_goes_to_staff_chat_when_set(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    app.settings.staff_chat_id = -100500
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    clock.now = seminar.starts_at - HOUR
    await app.reminders.run_reminder(seminar.id, 3600)
    await app.outbox.run_until_idle()
    assert len(session.texts(-100500)) == 1
    assert session.texts(ADMIN_ID) == []


async def test_no_summary_when_nobody_was_reminded(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await make_seminar(app, clock, timedelta(hours=5))
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    assert session.of_type(SendMessage) == []


async def test_restore_and_sweep_cover_every_upcoming_seminar(app: App, clock: FakeClock) -> None:
    upcoming = await make_seminar(app, clock, timedelta(days=2))
    past = await make_seminar(app, clock, -HOUR)
    await app.reminders.restore()
    app.reminders.schedule_sweep()
    assert app.scheduler.get_job(SWEEP_JOB_ID) is not None
    assert run_date(app, f"reminder:{upcoming.id}:1d") == upcoming.starts_at - DAY
    assert app.scheduler.get_job(f"reminder:{past.id}:1h") is None

    created_elsewhere = await make_seminar(app, clock, timedelta(days=3))
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert run_date(app, f"reminder:{created_elsewhere.id}:1h") == (
        created_elsewhere.starts_at - HOUR
    )


async def test_user_who_blocked_the_bot_is_marked_inactive_and_not_retried(
    app: App, clock: FakeClock, session: RecordingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await register(app, clock, seminar, 1)
    record = session.make_request

    async def blocked_by_user_1(
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        if isinstance(method, SendMessage) and method.chat_id == 1:
            session.calls.append(method)
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        return await record(bot, method, timeout)

    monkeypatch.setattr(session, "make_request", blocked_by_user_1)
    clock.now = seminar.starts_at - DAY
    await app.reminders.run_reminder(seminar.id, int(DAY.total_seconds()))
    await app.outbox.run_until_idle()
    clock.now = seminar.starts_at - HOUR
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    repos = Repositories(app.db)
    assert await reminder_status(app, seminar.id, 1, int(DAY.total_seconds())) is (
        DeliveryStatus.BLOCKED
    )
    assert await reminder_status(app, seminar.id, 1, 3600) is DeliveryStatus.SKIPPED
    user = await repos.users.get(1)
    assert user is not None and not user.is_active
    assert len([c for c in session.of_type(SendMessage) if c.chat_id == 1]) == 1


async def test_sweep_repairs_a_stale_job(app: App, clock: FakeClock) -> None:
    seminar = await make_seminar(app, clock, timedelta(days=2))
    await app.reminders.schedule_seminar(seminar)
    new_start = seminar.starts_at + HOUR
    await Repositories(app.db).seminars.update(seminar.id, clock(), starts_at=new_start)
    await app.reminders.sweep()
    await app.outbox.run_until_idle()
    assert run_date(app, f"reminder:{seminar.id}:1d") == new_start - DAY
    assert run_date(app, f"reminder:{seminar.id}:1h") == new_start - HOUR
