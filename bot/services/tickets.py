"""Personal tickets and door codes: issued once, then the same token every time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.services.deep_links import new_code, new_token
from storage.database import Database
from storage.models import RegistrationStatus, Seminar, Ticket
from storage.repositories import Repositories

# Drawing a token or code that is taken is astronomically unlikely for tokens and rare
# for six-character codes; a few draws settle it.
_DRAWS = 8


class TicketOutcome(StrEnum):
    ISSUED = "issued"
    NO_SEAT = "no_seat"  # not registered, waitlisted or cancelled
    OVER = "over"  # the seminar has ended or was cancelled
    NO_DOOR = "no_door"  # an online seminar: nobody scans tickets


@dataclass(frozen=True, slots=True)
class TicketResult:
    outcome: TicketOutcome
    seminar: Seminar | None = None
    ticket: Ticket | None = None
    holder_name: str = ""


async def issue_ticket(db: Database, clock: Clock, user_id: int, seminar_id: int) -> TicketResult:
    """The user's ticket for the seminar (made on first request), if they hold a seat."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None:
            return TicketResult(TicketOutcome.NO_SEAT)
        if seminar.is_cancelled or seminar.ends_at <= clock():
            return TicketResult(TicketOutcome.OVER, seminar)
        if not seminar.format.has_door:
            return TicketResult(TicketOutcome.NO_DOOR, seminar)
        registration = await repos.registrations.live(seminar_id, user_id)
        if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
            return TicketResult(TicketOutcome.NO_SEAT, seminar)
        ticket = await repos.tickets.for_registration(registration.id)
        for _ in range(_DRAWS):
            if ticket is not None:
                break
            if await repos.tickets.insert(registration.id, new_token(), new_code(), clock()):
                ticket = await repos.tickets.for_registration(registration.id)
        if ticket is None:
            raise RuntimeError("could not draw a free ticket code")
        entry = await repos.attendance.entry(registration.id)
        name = entry.full_name if entry is not None else ""
    return TicketResult(TicketOutcome.ISSUED, seminar, ticket, name)


async def door_token(db: Database, clock: Clock, seminar_id: int) -> str:
    """The seminar's door token, made on first request; the same QR can be printed early."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        for _ in range(_DRAWS):
            token = await repos.tickets.door_token(seminar_id)
            if token is not None:
                return token
            await repos.tickets.insert_door_token(seminar_id, new_token(), clock())
    raise RuntimeError("could not draw a free door token")
