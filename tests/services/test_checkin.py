"""Check-in rules without aiogram: tokens, the door window, one mark per registration, Join."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import timedelta

import pytest

from bot.app import App
from bot.services.checkin import (
    DOOR_OPENS_BEFORE,
    DoorOutcome,
    ScanOutcome,
    ToggleOutcome,
    scan_ticket,
    search_roster,
    self_check_in,
    toggle_mark,
)
from bot.services.deep_links import DOOR_PREFIX, TICKET_PREFIX, as_code, new_token, token_from
from bot.services.online import JOIN_OPENS_BEFORE, JoinOutcome, join
from bot.services.tickets import TicketOutcome, door_token, issue_ticket
from storage.models import RegistrationStatus, Seminar, SeminarFormat
from storage.repositories import Repositories
from tests.recording import RecordingSession
from tests.services.conftest import ADMIN_ID, FakeClock

ANNA, BORIS, STRANGER = 101, 102, 103
LINK = "https://meet.example.org/abc"


async def make_seminar(
    app: App, clock: FakeClock, seminar_format: SeminarFormat = SeminarFormat.IN_PERSON
) -> Seminar:
    repos = Repositories(app.db)
    now = clock()
    for user_id, name in ((ANNA, "Иванова Анна"), (BORIS, "Петров Борис"), (STRANGER, "Олег")):
        await repos.users.record_seen(user_id, name.split()[-1], None, None, "ru", now)
        await repos.profiles.save(user_id, name, "НКО", "+79990000000", now, now)
    seminar = await repos.seminars.create(
        "Семинар",
        "",
        now + timedelta(days=1),
        "Тюмень",
        5,
        None,
        now,
        format=seminar_format,
        meeting_link=LINK if seminar_format.has_meeting_link else None,
    )
    for user_id in (ANNA, BORIS):
        await repos.registrations.insert(seminar.id, user_id, RegistrationStatus.CONFIRMED, now)
    return seminar


def test_tokens_are_long_random_and_deep_link_safe() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in tokens:
        # 16 URL-safe characters carry 96 bits; the payload stays far below 64 characters.
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", token)
        assert len(TICKET_PREFIX + token) <= 64
        assert token_from(TICKET_PREFIX + token, TICKET_PREFIX) == token
        assert token_from(DOOR_PREFIX + token, TICKET_PREFIX) is None


@pytest.mark.parametrize(
    "payload",
    ["t_", "t_short", "t_" + "A" * 15, "t_" + "A" * 17, "t_AAAAAAAA<b>AAAA", "x_" + "A" * 16],
)
def test_forged_or_truncated_payloads_have_no_token(payload: str) -> None:
    assert token_from(payload, TICKET_PREFIX) is None


def test_ticket_codes_are_read_in_any_case_with_spaces() -> None:
    assert as_code(" ab2 cd3 ") == "AB2CD3"
    assert as_code("Иванова") is None
    assert as_code("AB0CD1") is None  # 0 and 1 are never in a code


async def test_ticket_is_issued_once_and_scanning_marks_its_owner_once(
    app: App, clock: FakeClock
) -> None:
    seminar = await make_seminar(app, clock)
    first = await issue_ticket(app.db, clock, ANNA, seminar.id)
    again = await issue_ticket(app.db, clock, ANNA, seminar.id)
    assert first.outcome is TicketOutcome.ISSUED and first.ticket == again.ticket
    assert first.holder_name == "Иванова Анна"
    assert (await issue_ticket(app.db, clock, STRANGER, seminar.id)).outcome is (
        TicketOutcome.NO_SEAT
    )
    assert first.ticket is not None
    token = first.ticket.token

    too_early = await scan_ticket(app.db, clock, token, ADMIN_ID)
    assert too_early.outcome is ScanOutcome.TOO_EARLY
    clock.now = seminar.starts_at - DOOR_OPENS_BEFORE
    # Two volunteers at the same instant: one marks, the other hears it was marked.
    results = await asyncio.gather(
        scan_ticket(app.db, clock, token, ADMIN_ID), scan_ticket(app.db, clock, token, 7)
    )
    assert sorted(r.outcome for r in results) == [ScanOutcome.ALREADY, ScanOutcome.MARKED]
    assert all(r.entry is not None and r.entry.user_id == ANNA for r in results)
    clock.now = seminar.ends_at
    assert (await scan_ticket(app.db, clock, token, ADMIN_ID)).outcome is ScanOutcome.OVER
    assert (await scan_ticket(app.db, clock, "A" * 16, ADMIN_ID)).outcome is ScanOutcome.UNKNOWN


async def test_the_database_refuses_a_second_mark_for_one_registration(
    app: App, clock: FakeClock
) -> None:
    seminar = await make_seminar(app, clock)
    registration = await Repositories(app.db).registrations.live(seminar.id, ANNA)
    assert registration is not None
    insert = (
        "INSERT INTO attendance (registration_id, kind, method, marked_by, marked_at) "
        "VALUES (?, 'in_person', 'ticket', 1, '2025-01-01T00:00:00+00:00')"
    )
    await app.db.execute(insert, (registration.id,))
    with pytest.raises(sqlite3.IntegrityError):
        await app.db.execute(insert, (registration.id,))


async def test_ticket_of_a_cancelled_registration_marks_nobody(app: App, clock: FakeClock) -> None:
    seminar = await make_seminar(app, clock)
    ticket = (await issue_ticket(app.db, clock, ANNA, seminar.id)).ticket
    assert ticket is not None
    await app.registration.cancel(ANNA, seminar.id)
    clock.now = seminar.starts_at
    result = await scan_ticket(app.db, clock, ticket.token, ADMIN_ID)
    assert result.outcome is ScanOutcome.REGISTRATION_CANCELLED
    assert await Repositories(app.db).attendance.get(ticket.registration_id) is None


async def test_door_qr_marks_seat_holders_and_counts_a_walk_in_once(
    app: App, clock: FakeClock
) -> None:
    seminar = await make_seminar(app, clock)
    token = await door_token(app.db, clock, seminar.id)
    assert token == await door_token(app.db, clock, seminar.id)
    assert (await self_check_in(app.db, clock, token, ANNA)).outcome is DoorOutcome.TOO_EARLY
    clock.now = seminar.starts_at
    assert (await self_check_in(app.db, clock, token, ANNA)).outcome is DoorOutcome.MARKED
    assert (await self_check_in(app.db, clock, token, ANNA)).outcome is DoorOutcome.ALREADY
    walk_in = await self_check_in(app.db, clock, token, STRANGER)
    assert (walk_in.outcome, walk_in.first_walk_in) == (DoorOutcome.NO_SEAT, True)
    assert not (await self_check_in(app.db, clock, token, STRANGER)).first_walk_in
    assert (await self_check_in(app.db, clock, "B" * 16, ANNA)).outcome is DoorOutcome.UNKNOWN


async def test_manual_list_toggles_and_finds_by_surname_or_code(app: App, clock: FakeClock) -> None:
    seminar = await make_seminar(app, clock)
    repos = Repositories(app.db)
    ticket = (await issue_ticket(app.db, clock, BORIS, seminar.id)).ticket
    assert ticket is not None
    roster = await repos.attendance.roster(seminar.id)
    assert [entry.full_name for entry in roster] == ["Иванова Анна", "Петров Борис"]
    assert [e.full_name for e in search_roster(roster, "петр")] == ["Петров Борис"]
    assert [e.full_name for e in search_roster(roster, ticket.code.lower())] == ["Петров Борис"]
    assert search_roster(roster, "  ") == []

    anna = roster[0].registration_id
    early = await toggle_mark(app.db, clock, seminar.id, anna, ADMIN_ID)
    assert early.outcome is ToggleOutcome.TOO_EARLY
    clock.now = seminar.starts_at
    assert (await toggle_mark(app.db, clock, seminar.id, anna, ADMIN_ID)).outcome is (
        ToggleOutcome.MARKED
    )
    assert (await toggle_mark(app.db, clock, seminar.id, anna, ADMIN_ID)).outcome is (
        ToggleOutcome.UNMARKED
    )
    # A registration of another seminar, or a forged id, changes nothing.
    other = await make_seminar(app, clock)
    assert (await toggle_mark(app.db, clock, other.id, anna, ADMIN_ID)).outcome is (
        ToggleOutcome.STALE
    )
    assert (await toggle_mark(app.db, clock, seminar.id, 10**9, ADMIN_ID)).outcome is (
        ToggleOutcome.STALE
    )


async def test_join_gives_the_current_link_to_seat_holders_only_in_the_window(
    app: App, clock: FakeClock
) -> None:
    seminar = await make_seminar(app, clock, SeminarFormat.ONLINE)
    assert (await join(app.db, clock, STRANGER, seminar.id)).outcome is JoinOutcome.NO_SEAT
    assert (await join(app.db, clock, ANNA, seminar.id)).outcome is JoinOutcome.NOT_YET
    clock.now = seminar.starts_at - JOIN_OPENS_BEFORE
    result = await join(app.db, clock, ANNA, seminar.id)
    assert (result.outcome, result.link) == (JoinOutcome.LINK, LINK)
    assert (await join(app.db, clock, STRANGER, seminar.id)).link is None
    await Repositories(app.db).seminars.update(seminar.id, clock(), meeting_link=LINK + "2")
    assert (await join(app.db, clock, ANNA, seminar.id)).link == LINK + "2"
    counts = await Repositories(app.db).attendance.counts(seminar.id)
    assert (counts.online, counts.in_person) == (1, 0)
    clock.now = seminar.ends_at
    assert (await join(app.db, clock, ANNA, seminar.id)).outcome is JoinOutcome.OVER


async def test_summary_goes_to_admins_once_after_the_end_and_never_for_old_seminars(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    repos = Repositories(app.db)
    await repos.users.record_seen(ADMIN_ID, "Admin", None, None, "ru", clock())
    old = await make_seminar(app, clock)
    clock.advance(timedelta(days=3))  # `old` ended two days ago: before the bot ran
    seminar = await make_seminar(app, clock, SeminarFormat.HYBRID)
    clock.now = seminar.starts_at
    await join(app.db, clock, ANNA, seminar.id)
    assert await app.summaries.sweep() == 0
    clock.now = seminar.ends_at
    assert await app.summaries.sweep() == 1
    assert await app.summaries.sweep() == 0
    [summary] = [text for text in session.texts(ADMIN_ID) if "Итоги" in text]
    assert "Пришли: 1 из 2 записавшихся" in summary and "онлайн: 1" in summary
    assert "Не использовано мест: 4 из 5" in summary
    assert not any(old.title in t and "Итоги" in t for t in session.texts(ADMIN_ID)[1:])


async def test_only_the_last_reminder_of_an_online_seminar_carries_join(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    online = await make_seminar(app, clock, SeminarFormat.ONLINE)
    in_person = await make_seminar(app, clock)
    for seminar in (online, in_person):
        for offset in app.settings.reminder_offsets:
            await app.reminders.deliver(seminar, offset)
            await app.outbox.run_until_idle()
    markups = [
        [b.text for row in call.reply_markup.inline_keyboard for b in row]
        for call in session.calls
        if getattr(call, "chat_id", None) == ANNA and getattr(call, "reply_markup", None)
    ]
    assert markups == [
        ["Приду", "Не смогу"],
        ["🔗 Подключиться", "Приду", "Не смогу"],
        ["Приду", "Не смогу"],
        ["Приду", "Не смогу"],
    ]
