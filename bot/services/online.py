"""Online and hybrid seminars: the Join button and the meeting link.

The link goes only to seat holders, from half an hour before the start until the end,
and is read from the database at every press, so a changed link is what the next press
returns. Pressing Join records online attendance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus, Seminar
from storage.repositories import Repositories

log = logging.getLogger(__name__)

JOIN_OPENS_BEFORE = timedelta(minutes=30)


def join_opens_at(seminar: Seminar) -> datetime:
    return seminar.starts_at - JOIN_OPENS_BEFORE


def join_available(seminar: Seminar, now: datetime) -> bool:
    """Whether a seat holder's card shows Join now."""
    return (
        seminar.format.has_meeting_link
        and bool(seminar.meeting_link)
        and not seminar.is_cancelled
        and join_opens_at(seminar) <= now < seminar.ends_at
    )


class JoinOutcome(StrEnum):
    LINK = "link"
    NO_SEAT = "no_seat"
    NOT_YET = "not_yet"
    OVER = "over"
    NO_LINK = "no_link"  # in person, or the organisers have not set a link yet


@dataclass(frozen=True, slots=True)
class JoinResult:
    outcome: JoinOutcome
    seminar: Seminar | None = None
    link: str | None = None


async def join(db: Database, clock: Clock, user_id: int, seminar_id: int) -> JoinResult:
    """The seat check comes first: nobody without a seat learns anything about the link."""
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminar = await repos.seminars.get(seminar_id)
        registration = await repos.registrations.live(seminar_id, user_id) if seminar else None
        if (
            seminar is None
            or registration is None
            or registration.status is not RegistrationStatus.CONFIRMED
        ):
            return JoinResult(JoinOutcome.NO_SEAT, seminar)
        now = clock()
        if seminar.is_cancelled or now >= seminar.ends_at:
            return JoinResult(JoinOutcome.OVER, seminar)
        if not seminar.format.has_meeting_link or not seminar.meeting_link:
            return JoinResult(JoinOutcome.NO_LINK, seminar)
        if now < join_opens_at(seminar):
            return JoinResult(JoinOutcome.NOT_YET, seminar)
        # Someone already marked at the door keeps that mark.
        await repos.attendance.mark(
            registration.id, AttendanceKind.ONLINE, MarkMethod.JOIN, None, now
        )
    log.info("join seminar=%s user=%s", seminar_id, user_id)
    return JoinResult(JoinOutcome.LINK, seminar, seminar.meeting_link)
