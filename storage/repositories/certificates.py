"""Certificates: who qualifies, issuing, lookup by id, holder and number."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.timecodec import from_db, to_db


@dataclass(frozen=True, slots=True)
class Qualifier:
    user_id: int
    full_name: str


@dataclass(frozen=True, slots=True)
class CertificateSubject:
    """What a certificate is for, as printed: one seminar or one programme."""

    seminar_id: int | None
    programme_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    minutes: int


@dataclass(frozen=True, slots=True)
class Certificate:
    id: int
    number: str
    seminar_id: int | None
    programme_id: int | None
    user_id: int | None
    full_name: str | None  # None after /forget_me
    title: str
    starts_at: datetime
    ends_at: datetime
    minutes: int
    issued_at: datetime


def _certificate(row: sqlite3.Row) -> Certificate:
    return Certificate(
        id=row["id"],
        number=row["number"],
        seminar_id=row["seminar_id"],
        programme_id=row["programme_id"],
        user_id=row["user_id"],
        full_name=row["full_name"],
        title=row["title"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        minutes=row["minutes"],
        issued_at=from_db(row["issued_at"]),
    )


class CertificateRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def qualifiers(self, seminar_id: int) -> list[Qualifier]:
        """Marked as attended, still known by name (not forgotten), without a certificate."""
        rows = await self._db.fetch_all(
            """
            SELECT r.user_id, p.full_name
            FROM registrations AS r
            JOIN attendance AS a ON a.registration_id = r.id
            JOIN profiles AS p ON p.user_id = r.user_id
            WHERE r.seminar_id = ? AND r.status = 'confirmed' AND r.user_id IS NOT NULL
              AND TRIM(p.full_name) <> ''
              AND NOT EXISTS (
                  SELECT 1 FROM certificates AS c
                  WHERE c.seminar_id = r.seminar_id AND c.user_id = r.user_id
              )
            ORDER BY p.full_name COLLATE NOCASE, r.user_id
            """,
            (seminar_id,),
        )
        return [Qualifier(row["user_id"], row["full_name"]) for row in rows]

    async def programme_qualifiers(self, programme_id: int, required: int) -> list[Qualifier]:
        """Attended at least `required` of the programme's seminars, without its certificate."""
        rows = await self._db.fetch_all(
            """
            SELECT r.user_id, p.full_name
            FROM registrations AS r
            JOIN seminars AS s ON s.id = r.seminar_id
            JOIN attendance AS a ON a.registration_id = r.id
            JOIN profiles AS p ON p.user_id = r.user_id
            WHERE s.programme_id = ? AND s.status = 'published' AND r.status = 'confirmed'
              AND r.user_id IS NOT NULL AND TRIM(p.full_name) <> ''
              AND NOT EXISTS (
                  SELECT 1 FROM certificates AS c
                  WHERE c.programme_id = s.programme_id AND c.user_id = r.user_id
              )
            GROUP BY r.user_id, p.full_name
            HAVING COUNT(DISTINCT s.id) >= ?
            ORDER BY p.full_name COLLATE NOCASE, r.user_id
            """,
            (programme_id, required),
        )
        return [Qualifier(row["user_id"], row["full_name"]) for row in rows]

    async def attended_minutes(self, programme_id: int, user_id: int) -> int:
        """The programme's hours for one participant: the seminars they attended."""
        row = await self._db.fetch_one(
            """
            SELECT COALESCE(SUM(s.duration_minutes), 0) AS minutes
            FROM registrations AS r
            JOIN seminars AS s ON s.id = r.seminar_id
            JOIN attendance AS a ON a.registration_id = r.id
            WHERE s.programme_id = ? AND r.user_id = ? AND s.status = 'published'
            """,
            (programme_id, user_id),
        )
        return int(row["minutes"]) if row else 0

    async def count_issued(self, seminar_id: int | None, programme_id: int | None) -> int:
        row = await self._db.fetch_one(
            """
            SELECT COUNT(*) AS n FROM certificates
            WHERE seminar_id IS ? AND programme_id IS ?
            """,
            (seminar_id, programme_id),
        )
        return row["n"] if row else 0

    async def insert(
        self,
        number: str,
        subject: CertificateSubject,
        qualifier: Qualifier,
        issued_by: int,
        now: datetime,
    ) -> int | None:
        """The new certificate's id; None when this person already holds this one."""
        row = await self._db.fetch_one(
            """
            INSERT INTO certificates (number, seminar_id, programme_id, user_id, full_name,
                                      title, starts_at, ends_at, minutes, issued_by, issued_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            (
                number,
                subject.seminar_id,
                subject.programme_id,
                qualifier.user_id,
                qualifier.full_name,
                subject.title,
                to_db(subject.starts_at),
                to_db(subject.ends_at),
                subject.minutes,
                issued_by,
                to_db(now),
            ),
        )
        return int(row["id"]) if row else None

    async def get(self, certificate_id: int) -> Certificate | None:
        row = await self._db.fetch_one("SELECT * FROM certificates WHERE id = ?", (certificate_id,))
        return _certificate(row) if row else None

    async def by_number(self, number: str) -> Certificate | None:
        row = await self._db.fetch_one("SELECT * FROM certificates WHERE number = ?", (number,))
        return _certificate(row) if row else None

    async def for_user(self, user_id: int) -> list[Certificate]:
        rows = await self._db.fetch_all(
            "SELECT * FROM certificates WHERE user_id = ? ORDER BY starts_at, id", (user_id,)
        )
        return [_certificate(row) for row in rows]

    async def forget_user(self, user_id: int) -> None:
        """/forget_me: the certificate stays valid, without the holder's name or id."""
        await self._db.execute(
            "UPDATE certificates SET user_id = NULL, full_name = NULL WHERE user_id = ?",
            (user_id,),
        )
