"""Check-in at the door: scanning tickets, the door QR, and the manual list.

A ticket marks the registration it was issued for, never whoever scanned it. Every mark
is one row in `attendance` keyed by the registration, so two volunteers scanning the
same ticket at the same instant mark it once; the second hears when it was marked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.services.deep_links import as_code
from bot.services.online import JoinResult, join
from bot.services.recipients import Recipients
from bot.services.sender import Sender
from bot.services.tickets import TicketResult, door_token, issue_ticket
from storage.database import Database
from storage.models import (
    Attendance,
    AttendanceKind,
    MarkMethod,
    RegistrationStatus,
    Seminar,
)
from storage.repositories import Repositories
from storage.repositories.attendance import RosterEntry

log = logging.getLogger(__name__)

# The door opens an hour before the start; tickets and the door QR work until the end.
DOOR_OPENS_BEFORE = timedelta(minutes=60)
# Seminars offered by /checkin: from this long before the start until they end.
CHECKIN_LISTED_AHEAD = timedelta(days=7)


def door_opens_at(seminar: Seminar) -> datetime:
    return seminar.starts_at - DOOR_OPENS_BEFORE


class DoorState(StrEnum):
    OPEN = "open"
    TOO_EARLY = "too_early"
    OVER = "over"
    CANCELLED = "cancelled"


def door_state(seminar: Seminar, now: datetime) -> DoorState:
    if seminar.is_cancelled:
        return DoorState.CANCELLED
    if now < door_opens_at(seminar):
        return DoorState.TOO_EARLY
    if now >= seminar.ends_at:
        return DoorState.OVER
    return DoorState.OPEN


class ScanOutcome(StrEnum):
    MARKED = "marked"
    ALREADY = "already"
    UNKNOWN = "unknown"  # no such ticket: forged, truncated or mistyped
    REGISTRATION_CANCELLED = "registration_cancelled"
    SEMINAR_CANCELLED = "seminar_cancelled"
    TOO_EARLY = "too_early"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class ScanResult:
    outcome: ScanOutcome
    seminar: Seminar | None = None
    entry: RosterEntry | None = None
    attendance: Attendance | None = None


_CLOSED_DOOR = {
    DoorState.CANCELLED: ScanOutcome.SEMINAR_CANCELLED,
    DoorState.TOO_EARLY: ScanOutcome.TOO_EARLY,
    DoorState.OVER: ScanOutcome.OVER,
}


async def scan_ticket(db: Database, clock: Clock, token: str, scanner_id: int) -> ScanResult:
    """An organiser or volunteer opened a ticket's link: mark its owner as present."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        ticket = await repos.tickets.by_token(token)
        entry = await repos.attendance.entry(ticket.registration_id) if ticket else None
        seminar = await repos.seminars.get(entry.seminar_id) if entry else None
        if entry is None or seminar is None:
            return ScanResult(ScanOutcome.UNKNOWN)
        now = clock()
        state = door_state(seminar, now)
        if state is not DoorState.OPEN:
            return ScanResult(_CLOSED_DOOR[state], seminar, entry)
        if entry.status is not RegistrationStatus.CONFIRMED:
            return ScanResult(ScanOutcome.REGISTRATION_CANCELLED, seminar, entry)
        marked = await repos.attendance.mark(
            entry.registration_id, AttendanceKind.IN_PERSON, MarkMethod.TICKET, scanner_id, now
        )
        attendance = await repos.attendance.get(entry.registration_id)
    log.info(
        "ticket scan registration=%s by=%s marked=%s", entry.registration_id, scanner_id, marked
    )
    outcome = ScanOutcome.MARKED if marked else ScanOutcome.ALREADY
    return ScanResult(outcome, seminar, entry, attendance)


class DoorOutcome(StrEnum):
    MARKED = "marked"
    ALREADY = "already"
    NO_SEAT = "no_seat"
    UNKNOWN = "unknown"
    SEMINAR_CANCELLED = "seminar_cancelled"
    TOO_EARLY = "too_early"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class DoorResult:
    outcome: DoorOutcome
    seminar: Seminar | None = None
    first_walk_in: bool = False  # NO_SEAT for the first time: the organisers are told


_CLOSED_DOOR_SELF = {
    DoorState.CANCELLED: DoorOutcome.SEMINAR_CANCELLED,
    DoorState.TOO_EARLY: DoorOutcome.TOO_EARLY,
    DoorState.OVER: DoorOutcome.OVER,
}


async def self_check_in(db: Database, clock: Clock, token: str, user_id: int) -> DoorResult:
    """Someone scanned the door QR: a seat holder is marked, anyone else is a walk-in."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminar_id = await repos.tickets.seminar_for_door(token)
        seminar = await repos.seminars.get(seminar_id) if seminar_id is not None else None
        if seminar is None:
            return DoorResult(DoorOutcome.UNKNOWN)
        now = clock()
        state = door_state(seminar, now)
        if state is not DoorState.OPEN:
            return DoorResult(_CLOSED_DOOR_SELF[state], seminar)
        registration = await repos.registrations.live(seminar.id, user_id)
        if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
            first = await repos.attendance.record_walk_in(seminar.id, user_id, now)
            return DoorResult(DoorOutcome.NO_SEAT, seminar, first_walk_in=first)
        marked = await repos.attendance.mark(
            registration.id, AttendanceKind.IN_PERSON, MarkMethod.DOOR, None, now
        )
    return DoorResult(DoorOutcome.MARKED if marked else DoorOutcome.ALREADY, seminar)


class ToggleOutcome(StrEnum):
    MARKED = "marked"
    UNMARKED = "unmarked"
    STALE = "stale"  # not a seat holder of this seminar (any more)
    TOO_EARLY = "too_early"


@dataclass(frozen=True, slots=True)
class ToggleResult:
    outcome: ToggleOutcome
    entry: RosterEntry | None = None


async def toggle_mark(
    db: Database, clock: Clock, seminar_id: int, registration_id: int, by: int
) -> ToggleResult:
    """The manual list's button: mark or unmark. Corrections stay possible after the end."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminar = await repos.seminars.get(seminar_id)
        entry = await repos.attendance.entry(registration_id)
        if (
            seminar is None
            or seminar.is_cancelled
            or entry is None
            or entry.seminar_id != seminar_id
            or entry.status is not RegistrationStatus.CONFIRMED
            or entry.user_id is None
        ):
            return ToggleResult(ToggleOutcome.STALE)
        now = clock()
        if now < door_opens_at(seminar):
            return ToggleResult(ToggleOutcome.TOO_EARLY, entry)
        if entry.is_marked:
            await repos.attendance.unmark(registration_id)
            outcome = ToggleOutcome.UNMARKED
        else:
            await repos.attendance.mark(
                registration_id, AttendanceKind.IN_PERSON, MarkMethod.LIST, by, now
            )
            outcome = ToggleOutcome.MARKED
        after = await repos.attendance.entry(registration_id)
    log.info("list toggle registration=%s by=%s %s", registration_id, by, outcome.value)
    return ToggleResult(outcome, after)


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def search_roster(entries: Iterable[RosterEntry], query: str) -> list[RosterEntry]:
    """Seat holders whose ticket code is `query`, or one of whose names starts with it."""
    code = as_code(query)
    wanted = _fold(query.strip())
    if not wanted:
        return []
    return [
        entry
        for entry in entries
        if (code is not None and entry.code == code)
        or any(word.startswith(wanted) for word in _fold(entry.full_name).split())
    ]


async def checkin_seminars(db: Database, now: datetime, limit: int) -> list[Seminar]:
    """Seminars a door team may work on now: running, or starting within a week."""
    repos = Repositories(db)
    # The longest seminar lasts a day, so anything that started earlier is over.
    candidates = await repos.seminars.around(
        now - timedelta(days=1), now + CHECKIN_LISTED_AHEAD, limit * 2
    )
    return [s for s in candidates if s.ends_at > now][:limit]


class CheckinService:
    """The seminar day as handlers use it (workflow data `checkin`)."""

    def __init__(self, db: Database, sender: Sender, recipients: Recipients, clock: Clock) -> None:
        self._db = db
        self._sender = sender
        self._recipients = recipients
        self._clock = clock

    async def ticket(self, user_id: int, seminar_id: int) -> TicketResult:
        return await issue_ticket(self._db, self._clock, user_id, seminar_id)

    async def door_token(self, seminar_id: int) -> str:
        return await door_token(self._db, self._clock, seminar_id)

    async def scan(self, token: str, scanner_id: int) -> ScanResult:
        return await scan_ticket(self._db, self._clock, token, scanner_id)

    async def door(self, token: str, user_id: int) -> DoorResult:
        """Self check-in; the organisers hear once of someone who came without a seat."""
        result = await self_check_in(self._db, self._clock, token, user_id)
        if result.first_walk_in and result.seminar is not None:
            await self._tell_walk_in(result.seminar, user_id)
        return result

    async def toggle(self, seminar_id: int, registration_id: int, by: int) -> ToggleResult:
        return await toggle_mark(self._db, self._clock, seminar_id, registration_id, by)

    async def seminars(self, limit: int) -> list[Seminar]:
        return await checkin_seminars(self._db, self._clock(), limit)

    async def join(self, user_id: int, seminar_id: int) -> JoinResult:
        return await join(self._db, self._clock, user_id, seminar_id)

    async def _tell_walk_in(self, seminar: Seminar, user_id: int) -> None:
        repos = Repositories(self._db)
        profile = await repos.profiles.get(user_id)
        user = await repos.users.get(user_id)
        name = profile.full_name if profile else (user.display_name if user else str(user_id))
        username = f" @{user.username}" if user and user.username else ""
        for chat_id, tr in await self._recipients.staff():
            text = tr(
                "checkin.door.walk_in",
                title=seminar.title,
                name=name,
                username=username,
                id=user_id,
            )
            await self._sender.send_message(chat_id, text)
