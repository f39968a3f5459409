"""The .ics file: one event per seminar, updated in place after a move."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.services.calendar import seminar_ics, seminar_link, sequence_of
from storage.models import Seminar, SeminarStatus

CREATED = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
SEMINAR = Seminar(
    7, "Гранты & НКО", "Практикум", CREATED + timedelta(days=10), 90, "Тюмень", 20,
    SeminarStatus.PUBLISHED, None, CREATED, CREATED,
)  # fmt: skip
LINK = seminar_link("seminar_test_bot", SEMINAR)


def event(seminar: Seminar) -> Calendar:
    ics = seminar_ics(seminar, CREATED + timedelta(days=1), link=LINK, alarm_text="Скоро начало")
    [found] = Calendar.from_ical(ics).walk("VEVENT")
    return found


def test_event_has_the_link_and_an_alarm_an_hour_before() -> None:
    found = event(SEMINAR)
    assert LINK == "https://t.me/seminar_test_bot?start=seminar_7"
    assert str(found["url"]) == LINK and str(found["description"]) == f"Практикум\n\n{LINK}"
    assert str(found["summary"]) == "Гранты & НКО"
    [alarm] = found.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"]) == "Скоро начало"
    assert alarm.decoded("trigger") == -timedelta(hours=1)


def test_a_move_keeps_the_uid_and_raises_the_sequence() -> None:
    moved = replace(
        SEMINAR,
        starts_at=SEMINAR.starts_at + timedelta(days=2),
        updated_at=CREATED + timedelta(hours=5),
    )
    before, after = event(SEMINAR), event(moved)
    assert str(before["uid"]) == str(after["uid"]) == "seminar-7@seminar-bot"
    assert int(before["sequence"]) == 0
    assert int(after["sequence"]) == sequence_of(moved) == 5 * 3600
    # An unchanged seminar gives the same revision however often its file is made.
    assert sequence_of(replace(SEMINAR, updated_at=None)) == 0
