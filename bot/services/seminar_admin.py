"""Organisers' seminar tools: parsing what admins type, creating, changing and cancelling.

Parsers return either the value or an `Invalid` that names what was expected, so the
handler can render it in the admin's language and ask the same step again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from bot.clock import Clock
from bot.services.dates import local_moment, read_moment
from bot.services.notices import enqueue_notice, notice_payload
from bot.services.outbox import Outbox
from bot.services.registration import Promotion, RegistrationService, promote_from_waitlist
from storage.database import Database
from storage.models import RegistrationStatus, Seminar, SeminarFormat, SeminarStatus
from storage.repositories import Repositories
from storage.timecodec import to_db

log = logging.getLogger(__name__)

TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MAX = 3000
PLACE_MIN, PLACE_MAX = 2, 300
CAPACITY_MAX = 10_000
LINK_MAX = 500
DURATION_MIN, DURATION_MAX = 5, 24 * 60
DEFAULT_DURATION_MINUTES = 120  # a seminar lasts 2 hours unless an organiser changes it
# Far enough for any real programme; also keeps start + duration inside datetime's range.
MAX_YEARS_AHEAD = 5
NO_DESCRIPTION = "-"


class SeminarField(StrEnum):
    """Editable fields; values are the seminars table's column names."""

    TITLE = "title"
    DESCRIPTION = "description"
    STARTS_AT = "starts_at"
    DURATION = "duration_minutes"
    PLACE = "place"
    CAPACITY = "capacity"
    FORMAT = "format"
    MEETING_LINK = "meeting_link"


# Fields whose change participants must hear about.
ANNOUNCED_FIELDS = frozenset({SeminarField.STARTS_AT, SeminarField.PLACE})


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a value was refused: `reason` is a message key suffix, `params` fill it in."""

    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


FieldValue = str | int | datetime


def parse_title(text: str) -> str | Invalid:
    title = " ".join(text.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        return Invalid("title_length", {"min": TITLE_MIN, "max": TITLE_MAX, "length": len(title)})
    return title


def parse_description(text: str) -> str | Invalid:
    description = text.strip()
    if description == NO_DESCRIPTION:
        return ""
    if not description:
        return Invalid("description_empty")
    if len(description) > DESCRIPTION_MAX:
        return Invalid("description_length", {"max": DESCRIPTION_MAX, "length": len(description)})
    return description


def parse_place(text: str) -> str | Invalid:
    place = text.strip()
    if not PLACE_MIN <= len(place) <= PLACE_MAX:
        return Invalid("place_length", {"min": PLACE_MIN, "max": PLACE_MAX})
    return place


def parse_capacity(text: str) -> int | Invalid:
    raw = text.strip().replace(" ", "")
    if not raw.isdecimal() or not raw.isascii():
        return Invalid("capacity_number", {"max": CAPACITY_MAX})
    capacity = int(raw)
    if not 1 <= capacity <= CAPACITY_MAX:
        return Invalid("capacity_range", {"max": CAPACITY_MAX})
    return capacity


# What an organiser may type for a format, besides pressing its button.
_FORMAT_WORDS = {
    SeminarFormat.IN_PERSON: ("очно", "очный", "in person", "in-person", "offline"),
    SeminarFormat.ONLINE: ("онлайн", "онлайн-семинар", "online"),
    SeminarFormat.HYBRID: ("смешанный", "смешанно", "гибрид", "hybrid"),
}
_LINK = re.compile(r"https?://[^\s<>\"]+\.[^\s<>\"]+", re.IGNORECASE)


def parse_format(text: str) -> SeminarFormat | Invalid:
    word = " ".join(text.split()).casefold()
    for seminar_format, words in _FORMAT_WORDS.items():
        if word in words:
            return seminar_format
    return Invalid("format_unknown")


_ONLINE_PLACE = re.compile(r"онлайн|online|zoom|зум|телемост|https?://", re.IGNORECASE)


def place_sounds_online(place: str) -> bool:
    """A place such as «Онлайн, Zoom» or a link: the organiser means an online seminar."""
    return _ONLINE_PLACE.search(place) is not None


def parse_meeting_link(text: str) -> str | Invalid:
    link = text.strip()
    if len(link) > LINK_MAX or not _LINK.fullmatch(link):
        return Invalid("link_format", {"max": LINK_MAX})
    return link


def parse_start(text: str, tz: tzinfo, now: datetime) -> datetime | Invalid:
    """A date and time as people type them (see `bot.services.dates`) in `tz`; a real
    moment in the future, in UTC."""
    raw = text.strip()
    typed = read_moment(raw)
    if typed is None:
        return Invalid("date_format")
    try:
        local = local_moment(typed, tz, now)
    except ValueError:
        return Invalid("date_not_real", {"value": raw})
    moment = local.astimezone(UTC)
    # A wall-clock time skipped by a DST jump does not survive the round trip.
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return Invalid("date_not_real", {"value": raw})
    if moment <= now:
        return Invalid("date_past", {"now": f"{now.astimezone(tz):%d.%m.%Y %H:%M}"})
    if moment > now + timedelta(days=365 * MAX_YEARS_AHEAD):
        return Invalid("date_too_far", {"years": MAX_YEARS_AHEAD})
    return moment


_HOURS_MINUTES = re.compile(r"(\d{1,2}):(\d{2})")
_UNITS = re.compile(
    r"(?:(\d{1,2})\s*(?:ч|час|часа|часов|h|hr|hrs|hours?)\.?)?\s*"
    r"(?:(\d{1,4})\s*(?:м|мин|минут|минуты|m|min|mins|minutes?)\.?)?",
    re.IGNORECASE,
)


def parse_duration(text: str) -> int | Invalid:
    """Minutes: `90`, `1:30`, `2ч`, `1ч 30м`, `1h30m`."""
    raw = text.strip().lower()
    minutes: int | None = None
    if raw.isdecimal() and raw.isascii():
        minutes = int(raw)
    elif match := _HOURS_MINUTES.fullmatch(raw):
        hours, mins = int(match.group(1)), int(match.group(2))
        minutes = hours * 60 + mins if mins < 60 else None
    elif (match := _UNITS.fullmatch(raw)) and any(match.groups()):
        minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if minutes is None:
        return Invalid("duration_format", {"min": DURATION_MIN, "max": DURATION_MAX // 60})
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        return Invalid("duration_range", {"min": DURATION_MIN, "max": DURATION_MAX // 60})
    return minutes


def parse_field(which: SeminarField, text: str, tz: tzinfo, now: datetime) -> FieldValue | Invalid:
    if which is SeminarField.TITLE:
        return parse_title(text)
    if which is SeminarField.DESCRIPTION:
        return parse_description(text)
    if which is SeminarField.STARTS_AT:
        return parse_start(text, tz, now)
    if which is SeminarField.DURATION:
        return parse_duration(text)
    if which is SeminarField.PLACE:
        return parse_place(text)
    if which is SeminarField.FORMAT:
        return parse_format(text)
    if which is SeminarField.MEETING_LINK:
        return parse_meeting_link(text)
    return parse_capacity(text)


class SeminarReminders(Protocol):
    """The reminder service as the organisers' tools use it (workflow data `reminders`)."""

    async def schedule_seminar(self, seminar: Seminar) -> None: ...

    async def drop_seminar(self, seminar_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class SeminarDraft:
    """What `/new_seminar` collected before the admin pressed Publish."""

    title: str
    description: str
    starts_at: datetime
    place: str
    capacity: int
    format: SeminarFormat = SeminarFormat.IN_PERSON
    meeting_link: str | None = None


class ChangeOutcome(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    NOT_EDITABLE = "not_editable"  # cancelled, or already started
    CAPACITY_BELOW_CONFIRMED = "capacity_below_confirmed"


_LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLIST)


@dataclass(frozen=True, slots=True)
class ChangeResult:
    outcome: ChangeOutcome
    before: Seminar | None = None
    after: Seminar | None = None
    confirmed: int = 0
    promotions: tuple[Promotion, ...] = ()
    audience: tuple[int, ...] = ()  # users to tell about a new time or place


class CancelSeminarOutcome(StrEnum):
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"
    ALREADY_CANCELLED = "already_cancelled"
    STARTED = "started"


@dataclass(frozen=True, slots=True)
class CancelSeminarResult:
    outcome: CancelSeminarOutcome
    seminar: Seminar | None = None
    audience: tuple[int, ...] = ()


def _change_notice(before: Seminar, after: Seminar) -> dict[str, Any]:
    """The old and the new time or place, for confirmed and waitlisted users."""
    if before.starts_at != after.starts_at:
        return notice_payload(
            "admin_seminars.notice.moved",
            {"title": after.title, "place": after.place},
            {"old": before.starts_at, "new": after.starts_at},
            zone_at=after.starts_at,
            seminar_id=after.id,
            calendar=True,  # a fresh .ics moves the event in the participant's calendar
        )
    return notice_payload(
        "admin_seminars.notice.place_changed",
        {"title": after.title, "old": before.place, "new": after.place},
        {"when": after.starts_at},
        zone_at=after.starts_at,
        seminar_id=after.id,
        calendar=True,  # the .ics carries the place (LOCATION): a fresh one updates it
    )


async def _audience(repos: Repositories, seminar_id: int) -> tuple[int, ...]:
    registrations = await repos.registrations.for_seminar(seminar_id, _LIVE)
    return tuple(r.user_id for r in registrations if r.user_id is not None)


class SeminarAdmin:
    """Creating, changing and cancelling seminars, with the reminders and notices that follow.

    Notices to participants are queued in the outbox in the same transaction as the change
    (`bot.services.notices`): the organiser's reply does not wait for hundreds of paced
    messages, and a crash cannot keep the change and lose the notices.
    """

    def __init__(
        self,
        db: Database,
        registration: RegistrationService,
        reminders: SeminarReminders,
        outbox: Outbox,
        clock: Clock,
    ) -> None:
        self._db = db
        self._registration = registration
        self._reminders = reminders
        self._outbox = outbox
        self._clock = clock

    async def create(self, draft: SeminarDraft, created_by: int) -> Seminar | Invalid:
        """Publish the draft; the start is checked again because the preview may have waited."""
        now = self._clock()
        if draft.starts_at <= now:
            return Invalid("date_past_on_publish")
        seminar = await Repositories(self._db).seminars.create(
            title=draft.title,
            description=draft.description,
            starts_at=draft.starts_at,
            place=draft.place,
            capacity=draft.capacity,
            created_by=created_by,
            now=now,
            duration_minutes=DEFAULT_DURATION_MINUTES,
            format=draft.format,
            meeting_link=draft.meeting_link if draft.format.has_meeting_link else None,
        )
        await self._reminders.schedule_seminar(seminar)
        return seminar

    async def change(self, seminar_id: int, which: SeminarField, value: FieldValue) -> ChangeResult:
        """Change one field; a larger capacity promotes the waitlist, a new start moves the
        reminders, and registrants hear about a new time or place."""
        result = await self._change(seminar_id, which, value)
        if result.outcome is ChangeOutcome.CHANGED and result.after is not None:
            await self._registration.notify_promotions(result.promotions)
            if which is SeminarField.STARTS_AT:
                await self._reminders.schedule_seminar(result.after)
            if which in ANNOUNCED_FIELDS:
                self._outbox.wake()
        return result

    async def _change(
        self, seminar_id: int, which: SeminarField, value: FieldValue
    ) -> ChangeResult:
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            before = await repos.seminars.get(seminar_id)
            if before is None:
                return ChangeResult(ChangeOutcome.NOT_FOUND)
            now = self._clock()
            if before.is_cancelled or before.starts_at <= now:
                return ChangeResult(ChangeOutcome.NOT_EDITABLE, before)
            if getattr(before, which.value) == value:
                return ChangeResult(ChangeOutcome.UNCHANGED, before, before)
            counts = await repos.registrations.counts(seminar_id)
            if (
                which is SeminarField.CAPACITY
                and isinstance(value, int)
                and value < counts.confirmed
            ):
                return ChangeResult(
                    ChangeOutcome.CAPACITY_BELOW_CONFIRMED, before, confirmed=counts.confirmed
                )
            await repos.seminars.update(seminar_id, now, **{which.value: value})
            after = await repos.seminars.get(seminar_id)
            assert after is not None
            promotions: list[Promotion] = []
            if which is SeminarField.CAPACITY:
                promotions = await promote_from_waitlist(repos, after, self._clock)
            audience: tuple[int, ...] = ()
            if which in ANNOUNCED_FIELDS:
                audience = await _audience(repos, seminar_id)
                await enqueue_notice(
                    repos,
                    f"seminar:{seminar_id}:{which.value}:{to_db(now)}",
                    audience,
                    _change_notice(before, after),
                    now,
                )
        log.info("seminar %s: %s changed, %d promoted", seminar_id, which.value, len(promotions))
        return ChangeResult(
            ChangeOutcome.CHANGED,
            before,
            after,
            confirmed=counts.confirmed + len(promotions),
            promotions=tuple(promotions),
            audience=audience,
        )

    async def cancel(self, seminar_id: int) -> CancelSeminarResult:
        """Mark the seminar cancelled, drop its reminders and tell everyone registered.

        Registrations stay as they were, for the record.
        """
        result = await self._cancel(seminar_id)
        if result.outcome is CancelSeminarOutcome.CANCELLED and result.seminar is not None:
            await self._reminders.drop_seminar(result.seminar.id)
            self._outbox.wake()
        return result

    async def _cancel(self, seminar_id: int) -> CancelSeminarResult:
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            seminar = await repos.seminars.get(seminar_id)
            if seminar is None:
                return CancelSeminarResult(CancelSeminarOutcome.NOT_FOUND)
            if seminar.is_cancelled:
                return CancelSeminarResult(CancelSeminarOutcome.ALREADY_CANCELLED, seminar)
            now = self._clock()
            if seminar.starts_at <= now:
                return CancelSeminarResult(CancelSeminarOutcome.STARTED, seminar)
            await repos.seminars.set_status(seminar_id, SeminarStatus.CANCELLED, now)
            audience = await _audience(repos, seminar_id)
            await enqueue_notice(
                repos,
                f"seminar:{seminar_id}:cancelled",
                audience,
                notice_payload(
                    "admin_seminars.notice.cancelled",
                    {"title": seminar.title},
                    {"when": seminar.starts_at},
                    zone_at=seminar.starts_at,
                    seminar_id=seminar_id,
                ),
                now,
            )
            cancelled = await repos.seminars.get(seminar_id)
        log.info("seminar %s cancelled; %d people to tell", seminar_id, len(audience))
        return CancelSeminarResult(CancelSeminarOutcome.CANCELLED, cancelled, audience)
