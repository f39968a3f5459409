"""What the programme report for funders is made of: seminars in a period with their planned
starts, every registration of theirs with attendance and feedback, and question counts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.models import AttendanceKind, RegistrationStatus, SeminarFormat, SeminarStatus
from storage.timecodec import from_db, to_db

_SEMINARS_SQL = """
    SELECT s.id, s.title, s.place, s.format, s.capacity, s.status, s.starts_at,
           COALESCE(s.planned_starts_at, s.starts_at) AS planned_starts_at,
           p.title AS programme
    FROM seminars AS s
    LEFT JOIN programmes AS p ON p.id = s.programme_id
    WHERE s.starts_at >= ? AND s.starts_at < ?
    ORDER BY s.starts_at, s.id
"""

_REGISTRATIONS_SQL = """
    SELECT r.seminar_id, r.user_id, r.forgotten_person, r.status, p.full_name, p.organisation,
           a.kind AS came, f.rating, f.useful, f.next_topic
    FROM seminars AS s
    JOIN registrations AS r ON r.seminar_id = s.id
    LEFT JOIN profiles AS p ON p.user_id = r.user_id
    LEFT JOIN attendance AS a ON a.registration_id = r.id
    LEFT JOIN feedback AS f ON f.registration_id = r.id
    WHERE s.starts_at >= ? AND s.starts_at < ?
    ORDER BY r.seminar_id, r.id
"""

# Who had come to any seminar before the period: they return, the others are new.
_RETURNING_SQL = """
    SELECT DISTINCT r.user_id, r.forgotten_person
    FROM seminars AS s
    JOIN registrations AS r ON r.seminar_id = s.id
    JOIN attendance AS a ON a.registration_id = r.id
    WHERE s.starts_at < ? AND (r.user_id IS NOT NULL OR r.forgotten_person IS NOT NULL)
"""

_QUESTIONS_SQL = """
    SELECT COUNT(*) AS asked, COUNT(answered_at) AS answered
    FROM questions WHERE created_at >= ? AND created_at < ?
"""


@dataclass(frozen=True, slots=True)
class ReportSeminar:
    id: int
    title: str
    programme: str | None
    format: SeminarFormat
    place: str
    capacity: int
    status: SeminarStatus
    planned_starts_at: datetime  # as first published
    starts_at: datetime  # after any moves

    @property
    def is_cancelled(self) -> bool:
        return self.status is SeminarStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class ReportRegistration:
    """One registration; `user_id` None means the person used /forget_me, and then
    `forgotten_person` (when recorded) tells that person's registrations apart from others'."""

    seminar_id: int
    user_id: int | None
    forgotten_person: int | None
    status: RegistrationStatus
    full_name: str | None
    organisation: str | None
    came: AttendanceKind | None
    rating: int | None
    useful: str | None
    next_topic: str | None

    @property
    def person(self) -> int | None:
        """Who this is, for counting people: the user id, or a forgotten person's number
        negated (Telegram ids are positive); None when the person cannot be told apart."""
        return _person_key(self.user_id, self.forgotten_person)


@dataclass(frozen=True, slots=True)
class QuestionTotals:
    asked: int
    answered: int


def _person_key(user_id: int | None, forgotten_person: int | None) -> int | None:
    if user_id is not None:
        return user_id
    return None if forgotten_person is None else -forgotten_person


def _seminar(row: sqlite3.Row) -> ReportSeminar:
    return ReportSeminar(
        id=row["id"],
        title=row["title"],
        programme=row["programme"],
        format=SeminarFormat(row["format"]),
        place=row["place"],
        capacity=row["capacity"],
        status=SeminarStatus(row["status"]),
        planned_starts_at=from_db(row["planned_starts_at"]),
        starts_at=from_db(row["starts_at"]),
    )


def _registration(row: sqlite3.Row) -> ReportRegistration:
    return ReportRegistration(
        seminar_id=row["seminar_id"],
        user_id=row["user_id"],
        forgotten_person=row["forgotten_person"],
        status=RegistrationStatus(row["status"]),
        full_name=row["full_name"],
        organisation=row["organisation"],
        came=AttendanceKind(row["came"]) if row["came"] else None,
        rating=row["rating"],
        useful=row["useful"],
        next_topic=row["next_topic"],
    )


class ReportRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def seminars(self, start: datetime, end: datetime) -> list[ReportSeminar]:
        """Seminars whose (actual) start falls in [start, end), cancelled ones included."""
        rows = await self._db.fetch_all(_SEMINARS_SQL, (to_db(start), to_db(end)))
        return [_seminar(row) for row in rows]

    async def registrations(self, start: datetime, end: datetime) -> list[ReportRegistration]:
        rows = await self._db.fetch_all(_REGISTRATIONS_SQL, (to_db(start), to_db(end)))
        return [_registration(row) for row in rows]

    async def attended_before(self, start: datetime) -> set[int]:
        """People (as `ReportRegistration.person`) who came to a seminar before `start`."""
        rows = await self._db.fetch_all(_RETURNING_SQL, (to_db(start),))
        keys = (_person_key(row["user_id"], row["forgotten_person"]) for row in rows)
        return {key for key in keys if key is not None}

    async def questions(self, start: datetime, end: datetime) -> QuestionTotals:
        row = await self._db.fetch_one(_QUESTIONS_SQL, (to_db(start), to_db(end)))
        assert row is not None
        return QuestionTotals(asked=row["asked"], answered=row["answered"])

    async def seminar_span(self) -> tuple[datetime, datetime] | None:
        """The first and the last seminar's start, or None when there is none."""
        row = await self._db.fetch_one(
            "SELECT MIN(starts_at) AS first, MAX(starts_at) AS last FROM seminars"
        )
        if row is None or row["first"] is None:
            return None
        return from_db(row["first"]), from_db(row["last"])
