"""An iCalendar file for one seminar, so participants can add it to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from storage.models import Seminar

PRODUCT_ID = "-//NGO Alliance//Seminar bot//RU"
UID_DOMAIN = "seminar-bot"


def seminar_uid(seminar: Seminar) -> str:
    """Stable across edits, so re-importing the file updates the event instead of copying it."""
    return f"seminar-{seminar.id}@{UID_DOMAIN}"


def seminar_ics(seminar: Seminar, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", seminar_uid(seminar))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", seminar.starts_at.astimezone(UTC))
    event.add("dtend", seminar.ends_at.astimezone(UTC))
    event.add("summary", seminar.title)
    event.add("location", seminar.place)
    event.add("description", seminar.description)
    if seminar.is_cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics


def ics_filename(seminar: Seminar) -> str:
    return f"seminar-{seminar.id}.ics"
