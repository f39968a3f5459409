"""Aggregate counts for /stats: users, seminars, registrations, questions, broadcasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.timecodec import from_db, to_db


@dataclass(frozen=True, slots=True)
class UserCounts:
    total: int
    active: int
    blocked: int


@dataclass(frozen=True, slots=True)
class SeminarCounts:
    upcoming: int
    past: int
    cancelled: int


@dataclass(frozen=True, slots=True)
class RegistrationCounts:
    confirmed: int
    waitlist: int
    cancelled: int


@dataclass(frozen=True, slots=True)
class SeminarFill:
    seminar_id: int
    title: str
    starts_at: datetime
    capacity: int
    confirmed: int
    waitlist: int


@dataclass(frozen=True, slots=True)
class PastAttendance:
    """Who came to one seminar that has ended: seat holders and those marked."""

    seminar_id: int
    title: str
    starts_at: datetime
    seats: int
    attended: int


@dataclass(frozen=True, slots=True)
class QuestionCounts:
    open: int
    answered: int


@dataclass(frozen=True, slots=True)
class BroadcastSummary:
    id: int
    created_at: datetime
    audience: str
    seminar_title: str | None
    status: str
    recipients: int
    delivered: int
    blocked: int
    failed: int
    pending: int  # not yet sent: pending or in flight
    stopped: int


class StatsRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def users(self) -> UserCounts:
        row = await self._db.fetch_one(
            """
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(is_active = 1), 0) AS active,
                   COALESCE(SUM(is_active = 0), 0) AS blocked
            FROM users
            """
        )
        assert row is not None
        return UserCounts(row["total"], row["active"], row["blocked"])

    async def seminars(self, now: datetime) -> SeminarCounts:
        row = await self._db.fetch_one(
            """
            SELECT COALESCE(SUM(status = 'published' AND starts_at > :now), 0) AS upcoming,
                   COALESCE(SUM(status = 'published' AND starts_at <= :now), 0) AS past,
                   COALESCE(SUM(status = 'cancelled'), 0) AS cancelled
            FROM seminars
            """,
            {"now": to_db(now)},
        )
        assert row is not None
        return SeminarCounts(row["upcoming"], row["past"], row["cancelled"])

    async def registrations(self) -> RegistrationCounts:
        row = await self._db.fetch_one(
            """
            SELECT COALESCE(SUM(status = 'confirmed'), 0) AS confirmed,
                   COALESCE(SUM(status = 'waitlist'), 0) AS waitlist,
                   COALESCE(SUM(status = 'cancelled'), 0) AS cancelled
            FROM registrations
            """
        )
        assert row is not None
        return RegistrationCounts(row["confirmed"], row["waitlist"], row["cancelled"])

    async def upcoming_fill(self, now: datetime) -> list[SeminarFill]:
        """Seats taken per upcoming published seminar, soonest first."""
        rows = await self._db.fetch_all(
            """
            SELECT s.id, s.title, s.starts_at, s.capacity,
                   COALESCE(SUM(r.status = 'confirmed'), 0) AS confirmed,
                   COALESCE(SUM(r.status = 'waitlist'), 0) AS waitlist
            FROM seminars AS s
            LEFT JOIN registrations AS r ON r.seminar_id = s.id
            WHERE s.status = 'published' AND s.starts_at > ?
            GROUP BY s.id
            ORDER BY s.starts_at, s.id
            """,
            (to_db(now),),
        )
        return [
            SeminarFill(
                seminar_id=row["id"],
                title=row["title"],
                starts_at=from_db(row["starts_at"]),
                capacity=row["capacity"],
                confirmed=row["confirmed"],
                waitlist=row["waitlist"],
            )
            for row in rows
        ]

    async def past_attendance(self, now: datetime, limit: int) -> list[PastAttendance]:
        """Published seminars that have ended, latest first, with seats and attendance."""
        rows = await self._db.fetch_all(
            """
            SELECT s.id, s.title, s.starts_at,
                   COALESCE(SUM(r.status = 'confirmed'), 0) AS seats,
                   COUNT(a.registration_id) AS attended
            FROM seminars AS s
            LEFT JOIN registrations AS r ON r.seminar_id = s.id
            LEFT JOIN attendance AS a ON a.registration_id = r.id
            WHERE s.status = 'published'
              AND julianday(s.starts_at) + s.duration_minutes / 1440.0 <= julianday(?)
            GROUP BY s.id
            ORDER BY s.starts_at DESC, s.id DESC
            LIMIT ?
            """,
            (to_db(now), limit),
        )
        return [
            PastAttendance(
                seminar_id=row["id"],
                title=row["title"],
                starts_at=from_db(row["starts_at"]),
                seats=row["seats"],
                attended=row["attended"],
            )
            for row in rows
        ]

    async def questions(self) -> QuestionCounts:
        row = await self._db.fetch_one(
            """
            SELECT COALESCE(SUM(answered_at IS NULL), 0) AS open,
                   COALESCE(SUM(answered_at IS NOT NULL), 0) AS answered
            FROM questions
            """
        )
        assert row is not None
        return QuestionCounts(row["open"], row["answered"])

    async def answer_delays(self) -> list[float]:
        """Whole seconds from question to answer per answered question, ascending."""
        rows = await self._db.fetch_all(
            """
            SELECT (julianday(answered_at) - julianday(created_at)) * 86400.0 AS seconds
            FROM questions WHERE answered_at IS NOT NULL
            ORDER BY seconds
            """
        )
        # julianday arithmetic is off by microseconds; whole seconds are what we store.
        return [max(0.0, float(round(row["seconds"]))) for row in rows]

    async def recent_broadcasts(self, limit: int = 5) -> list[BroadcastSummary]:
        rows = await self._db.fetch_all(
            """
            SELECT b.id, b.created_at, b.audience, b.status, s.title AS seminar_title,
                   COUNT(o.chat_id) AS recipients,
                   COALESCE(SUM(o.status = 'sent'), 0) AS delivered,
                   COALESCE(SUM(o.status = 'blocked'), 0) AS blocked,
                   COALESCE(SUM(o.status = 'failed'), 0) AS failed,
                   COALESCE(SUM(o.status IN ('pending', 'sending')), 0) AS pending,
                   COALESCE(SUM(o.status = 'stopped'), 0) AS stopped
            FROM broadcasts AS b
            LEFT JOIN seminars AS s ON s.id = b.seminar_id
            LEFT JOIN outbox AS o ON o.kind = 'broadcast' AND o.ref = CAST(b.id AS TEXT)
            GROUP BY b.id
            ORDER BY b.created_at DESC, b.id DESC
            LIMIT ?
            """,
            (limit,),
        )
        return [
            BroadcastSummary(
                id=row["id"],
                created_at=from_db(row["created_at"]),
                audience=row["audience"],
                seminar_title=row["seminar_title"],
                status=row["status"],
                recipients=row["recipients"],
                delivered=row["delivered"],
                blocked=row["blocked"],
                failed=row["failed"],
                pending=row["pending"],
                stopped=row["stopped"],
            )
            for row in rows
        ]
