"""Parsing organisers' input, and changing and cancelling seminars against a real database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import InlineKeyboardMarkup, User

from bot.i18n import Translator
from bot.services.notifications import NoticeDelivery
from bot.services.outbox import Outbox
from bot.services.pacing import SendPacer
from bot.services.registration import Promotion, RegistrationService
from bot.services.seminar_admin import (
    CancelSeminarOutcome,
    ChangeOutcome,
    Invalid,
    SeminarAdmin,
    SeminarDraft,
    SeminarField,
    parse_capacity,
    parse_description,
    parse_duration,
    parse_field,
    parse_place,
    parse_start,
    parse_title,
)
from storage.database import Database
from storage.models import RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2027, 1, 10, 7, 0, tzinfo=UTC)  # 12:00 in Yekaterinburg
NO_BUTTONS = InlineKeyboardMarkup(inline_keyboard=[])


def clock() -> datetime:
    return NOW


def reason(value: object) -> str | None:
    return value.reason if isinstance(value, Invalid) else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.09.2027 15:00", datetime(2027, 9, 25, 10, 0, tzinfo=UTC)),
        ("  1.2.2027 9:05 ", datetime(2027, 2, 1, 4, 5, tzinfo=UTC)),
        ("2027-09-25 15:00", datetime(2027, 9, 25, 10, 0, tzinfo=UTC)),
        ("2027-09-25T15:00", datetime(2027, 9, 25, 10, 0, tzinfo=UTC)),
        ("10.01.2027 12:01", datetime(2027, 1, 10, 7, 1, tzinfo=UTC)),
    ],
)
def test_start_is_read_in_the_configured_zone(text: str, expected: datetime) -> None:
    assert parse_start(text, TZ, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.02.2027 10:00", "date_not_real"),
        ("29.02.2027 10:00", "date_not_real"),
        ("2027-13-01 10:00", "date_not_real"),
        ("25.09.2027 24:00", "date_not_real"),
        ("25.09.2027 10:60", "date_not_real"),
        ("garbage", "date_format"),
        ("25.09.2027", "date_format"),
        ("завтра в 10", "date_format"),
        ("", "date_format"),
        ("10.01.2027 12:00", "date_past"),
        ("01.01.2020 10:00", "date_past"),
        ("01.01.2040 10:00", "date_too_far"),
    ],
)
def test_bad_starts_say_what_is_wrong(text: str, expected: str) -> None:
    assert reason(parse_start(text, TZ, NOW)) == expected


def test_a_time_skipped_by_daylight_saving_is_not_real() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert reason(parse_start("28.03.2027 02:30", berlin, NOW)) == "date_not_real"
    assert parse_start("28.03.2027 03:30", berlin, NOW) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_title_is_trimmed_and_bounded() -> None:
    assert parse_title("  Социальное   предпринимательство  ") == "Социальное предпринимательство"
    assert reason(parse_title("ab")) == "title_length"
    assert parse_title("abc") == "abc"
    assert parse_title("x" * 120) == "x" * 120
    assert reason(parse_title("x" * 121)) == "title_length"


def test_description_dash_means_none() -> None:
    assert parse_description("-") == ""
    assert parse_description(" Про гранты \n") == "Про гранты"
    assert reason(parse_description("   ")) == "description_empty"
    assert reason(parse_description("x" * 3001)) == "description_length"


def test_place_is_bounded() -> None:
    assert parse_place(" https://meet.example/abc ") == "https://meet.example/abc"
    assert reason(parse_place("x")) == "place_length"
    assert reason(parse_place("x" * 301)) == "place_length"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30", 30), (" 1 ", 1), ("10000", 10000), ("1 000", 1000)],
)
def test_capacity_accepts_whole_numbers(text: str, expected: int) -> None:
    assert parse_capacity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", "capacity_number"),
        ("12.5", "capacity_number"),
        ("-3", "capacity_number"),
        ("", "capacity_number"),
        ("0", "capacity_range"),
        ("10001", "capacity_range"),
    ],
)
def test_capacity_refuses_the_rest(text: str, expected: str) -> None:
    assert reason(parse_capacity(text)) == expected


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90", 90), ("1:30", 90), ("2ч", 120), ("1ч 30м", 90), ("1h30m", 90), ("2 часа", 120)],
)
def test_duration_forms(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", "duration_format"),
        ("1:75", "duration_format"),
        ("0", "duration_range"),
        ("25ч", "duration_range"),
    ],
)
def test_bad_durations(text: str, expected: str) -> None:
    assert reason(parse_duration(text)) == expected


def test_parse_field_dispatches_by_field() -> None:
    assert parse_field(SeminarField.CAPACITY, "12", TZ, NOW) == 12
    assert parse_field(SeminarField.DURATION, "1:00", TZ, NOW) == 60
    assert reason(parse_field(SeminarField.STARTS_AT, "31.02.2027 10:00", TZ, NOW)) == (
        "date_not_real"
    )


# --- services over a real database ---------------------------------------------------------


class PromotionLog:
    def __init__(self) -> None:
        self.seen: list[Promotion] = []

    async def __call__(self, promotions: Sequence[Promotion]) -> None:
        self.seen.extend(promotions)


class RecordingReminders:
    def __init__(self) -> None:
        self.scheduled: list[datetime] = []
        self.dropped: list[int] = []

    async def schedule_seminar(self, seminar: Seminar) -> None:
        self.scheduled.append(seminar.starts_at)

    async def drop_seminar(self, seminar_id: int) -> None:
        self.dropped.append(seminar_id)


class RecordingBot:
    """Stands in for Telegram: keeps each notice's chat and text."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.calendars: list[int] = []  # chats a calendar file went to, with the notice

    async def me(self) -> User:
        return User(id=1, is_bot=True, first_name="Bot", username="seminar_bot")

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.sent.append((chat_id, text))

    async def send_document(self, chat_id: int, document: Any, caption: str, **kwargs: Any) -> None:
        self.sent.append((chat_id, caption))
        self.calendars.append(chat_id)

    def told(self) -> list[tuple[list[int], str]]:
        """Who got each distinct text, in the order the texts first went out."""
        by_text: dict[str, list[int]] = {}
        for chat_id, text in self.sent:
            by_text.setdefault(text, []).append(chat_id)
        return [(sorted(chats), text) for text, chats in by_text.items()]


class Organiser:
    """`SeminarAdmin` over a real database, with its reminders recorded and its notices
    sent through a real outbox to a recording bot."""

    def __init__(self, db: Database, registration: RegistrationService | None = None) -> None:
        self.reminders = RecordingReminders()
        self.bot = RecordingBot()

        async def unreachable(user_id: int) -> None:
            return None

        self.outbox = Outbox(db, SendPacer(10_000), unreachable, clock)
        self.outbox.register(
            NoticeDelivery(  # type: ignore[arg-type]
                db, self.bot, Translator.load(), TZ, lambda tr, seminar: NO_BUTTONS
            )
        )
        self.service = SeminarAdmin(
            db,
            registration or RegistrationService(db, clock),
            self.reminders,
            self.outbox,
            clock,
        )


async def make_seminar(db: Database, capacity: int = 2) -> Seminar:
    result = await Organiser(db).service.create(
        SeminarDraft("Гранты для НКО", "", NOW + timedelta(days=7), "Тюмень", capacity),
        created_by=1,
    )
    assert isinstance(result, Seminar)
    return result


async def register(
    db: Database, seminar: Seminar, user_id: int, status: RegistrationStatus
) -> None:
    repos = Repositories(db)
    await repos.users.record_seen(user_id, f"U{user_id}", None, None, "ru", NOW)
    await repos.registrations.insert(seminar.id, user_id, status, NOW)


async def test_publishing_a_draft_whose_time_passed_is_refused(db: Database) -> None:
    draft = SeminarDraft("Old", "", NOW - timedelta(minutes=1), "Тюмень", 5)
    organiser = Organiser(db)
    assert reason(await organiser.service.create(draft, 1)) == "date_past_on_publish"
    assert organiser.reminders.scheduled == []


async def test_raising_capacity_promotes_in_order_and_notifies(db: Database) -> None:
    seminar = await make_seminar(db, capacity=1)
    await register(db, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(db, seminar, 12, RegistrationStatus.WAITLIST)
    await register(db, seminar, 13, RegistrationStatus.WAITLIST)
    registration = RegistrationService(db, clock)
    log = PromotionLog()
    registration.on_promotion(log)

    result = await Organiser(db, registration).service.change(seminar.id, SeminarField.CAPACITY, 2)

    assert result.outcome is ChangeOutcome.CHANGED
    assert [p.user_id for p in result.promotions] == [12]
    assert [p.user_id for p in log.seen] == [12]
    counts = await Repositories(db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (2, 1)


async def test_lowering_capacity_below_confirmed_is_refused_with_the_count(db: Database) -> None:
    seminar = await make_seminar(db, capacity=3)
    await register(db, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(db, seminar, 12, RegistrationStatus.CONFIRMED)
    registration = RegistrationService(db, clock)

    refused = await Organiser(db, registration).service.change(seminar.id, SeminarField.CAPACITY, 1)
    assert refused.outcome is ChangeOutcome.CAPACITY_BELOW_CONFIRMED
    assert refused.confirmed == 2
    stored = await Repositories(db).seminars.get(seminar.id)
    assert stored is not None and stored.capacity == 3

    lowered = await Organiser(db, registration).service.change(seminar.id, SeminarField.CAPACITY, 2)
    assert lowered.outcome is ChangeOutcome.CHANGED


async def test_moving_names_confirmed_and_waitlisted_but_not_cancelled(db: Database) -> None:
    seminar = await make_seminar(db, capacity=1)
    await register(db, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(db, seminar, 12, RegistrationStatus.WAITLIST)
    await register(db, seminar, 13, RegistrationStatus.CANCELLED)
    new_start = NOW + timedelta(days=8)

    organiser = Organiser(db)
    result = await organiser.service.change(seminar.id, SeminarField.STARTS_AT, new_start)
    await organiser.outbox.run_until_idle()

    assert result.outcome is ChangeOutcome.CHANGED
    assert result.before is not None and result.before.starts_at == seminar.starts_at
    assert result.after is not None and result.after.starts_at == new_start
    assert sorted(result.audience) == [11, 12]
    assert organiser.reminders.scheduled == [new_start]
    [(told, text)] = organiser.bot.told()
    assert told == [11, 12] and "Гранты для НКО" in text and "перенесён" in text
    assert "по тюменскому времени (МСК+2)" in text and "📍 Тюмень" in text
    assert organiser.bot.calendars == [11, 12]  # a move brings a fresh calendar file


async def test_same_value_and_gone_seminars(db: Database) -> None:
    seminar = await make_seminar(db)
    registration = RegistrationService(db, clock)
    same = await Organiser(db, registration).service.change(
        seminar.id, SeminarField.PLACE, "Тюмень"
    )
    assert same.outcome is ChangeOutcome.UNCHANGED
    missing = await Organiser(db, registration).service.change(999, SeminarField.PLACE, "Ишим")
    assert missing.outcome is ChangeOutcome.NOT_FOUND
    await Organiser(db).service.cancel(seminar.id)
    cancelled = await Organiser(db, registration).service.change(
        seminar.id, SeminarField.PLACE, "Ишим"
    )
    assert cancelled.outcome is ChangeOutcome.NOT_EDITABLE


async def test_cancelling_keeps_registrations_and_names_everyone_live(db: Database) -> None:
    seminar = await make_seminar(db, capacity=1)
    await register(db, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(db, seminar, 12, RegistrationStatus.WAITLIST)

    organiser = Organiser(db)
    result = await organiser.service.cancel(seminar.id)
    await organiser.outbox.run_until_idle()

    assert result.outcome is CancelSeminarOutcome.CANCELLED
    assert organiser.reminders.dropped == [seminar.id]
    assert [told for told, _ in organiser.bot.told()] == [[11, 12]]
    assert result.seminar is not None and result.seminar.status is SeminarStatus.CANCELLED
    assert sorted(result.audience) == [11, 12]
    counts = await Repositories(db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (1, 1)
    again = await organiser.service.cancel(seminar.id)
    assert again.outcome is CancelSeminarOutcome.ALREADY_CANCELLED
