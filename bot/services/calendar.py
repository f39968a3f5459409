"""An iCalendar file for one seminar, so participants can add it to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from storage.models import Seminar

PRODUCT_ID = "-//NGO Alliance//Seminar bot//RU"
UID_DOMAIN = "seminar-bot"
ALARM_BEFORE = timedelta(hours=1)


def seminar_uid(seminar: Seminar) -> str:
    """Stable across edits, so re-importing the file updates the event instead of copying it."""
    return f"seminar-{seminar.id}@{UID_DOMAIN}"


def sequence_of(seminar: Seminar) -> int:
    """The event's revision: seconds from the seminar's creation to its last change.

    Every change raises it, so after a move the calendar replaces the event it has
    instead of keeping the old time; files of an unchanged seminar carry the same one.
    """
    changed = seminar.updated_at or seminar.created_at
    return max(0, int((changed - seminar.created_at).total_seconds()))


def seminar_ics(seminar: Seminar, now: datetime, *, link: str, alarm_text: str) -> bytes:
    """One VEVENT with a reminder alarm and the seminar's deep link (`link`)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", seminar_uid(seminar))
    event.add("sequence", sequence_of(seminar))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", seminar.starts_at.astimezone(UTC))
    event.add("dtend", seminar.ends_at.astimezone(UTC))
    event.add("summary", seminar.title)
    event.add("location", seminar.place)
    event.add("url", link)
    event.add("description", "\n\n".join(p for p in (seminar.description.strip(), link) if p))
    if seminar.is_cancelled:
        event.add("status", "CANCELLED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics


def seminar_link(bot_username: str, seminar: Seminar) -> str:
    return f"https://t.me/{bot_username}?start=seminar_{seminar.id}"


def ics_filename(seminar: Seminar) -> str:
    return f"seminar-{seminar.id}.ics"
