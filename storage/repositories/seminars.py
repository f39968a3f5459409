"""Seminars: the programme's events."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from storage.database import Executor
from storage.models import Seminar, SeminarFormat, SeminarStatus
from storage.timecodec import from_db, to_db

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "starts_at",
        "duration_minutes",
        "place",
        "capacity",
        "format",
        "meeting_link",
    }
)


def _seminar(row: sqlite3.Row) -> Seminar:
    return Seminar(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        starts_at=from_db(row["starts_at"]),
        duration_minutes=row["duration_minutes"],
        place=row["place"],
        capacity=row["capacity"],
        status=SeminarStatus(row["status"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        format=SeminarFormat(row["format"]),
        meeting_link=row["meeting_link"],
        updated_at=from_db(row["updated_at"]),
        programme_id=row["programme_id"],
    )


class SeminarRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def create(
        self,
        title: str,
        description: str,
        starts_at: datetime,
        place: str,
        capacity: int,
        created_by: int | None,
        now: datetime,
        duration_minutes: int = 120,
        format: SeminarFormat = SeminarFormat.IN_PERSON,
        meeting_link: str | None = None,
    ) -> Seminar:
        row = await self._db.fetch_one(
            """
            INSERT INTO seminars (title, description, starts_at, duration_minutes, place,
                                  capacity, status, created_by, created_at, updated_at,
                                  format, meeting_link)
            VALUES (?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?)
            RETURNING *
            """,
            (
                title,
                description,
                to_db(starts_at),
                duration_minutes,
                place,
                capacity,
                created_by,
                to_db(now),
                to_db(now),
                format.value,
                meeting_link,
            ),
        )
        assert row is not None
        return _seminar(row)

    async def get(self, seminar_id: int) -> Seminar | None:
        row = await self._db.fetch_one("SELECT * FROM seminars WHERE id = ?", (seminar_id,))
        return _seminar(row) if row else None

    async def upcoming(self, now: datetime, limit: int = 1000, offset: int = 0) -> list[Seminar]:
        """Published seminars that have not started yet, soonest first."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM seminars
            WHERE status = 'published' AND starts_at > ?
            ORDER BY starts_at, id LIMIT ? OFFSET ?
            """,
            (to_db(now), limit, offset),
        )
        return [_seminar(r) for r in rows]

    async def count_upcoming(self, now: datetime) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM seminars WHERE status = 'published' AND starts_at > ?",
            (to_db(now),),
        )
        return int(row[0]) if row else 0

    async def recent_and_upcoming(self, since: datetime, limit: int = 50) -> list[Seminar]:
        """Seminars (any status) starting after `since`, newest start last."""
        rows = await self._db.fetch_all(
            "SELECT * FROM seminars WHERE starts_at > ? ORDER BY starts_at, id LIMIT ?",
            (to_db(since), limit),
        )
        return [_seminar(r) for r in rows]

    async def around(self, since: datetime, until: datetime, limit: int) -> list[Seminar]:
        """Published seminars starting between `since` and `until`, soonest first."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM seminars
            WHERE status = 'published' AND starts_at > ? AND starts_at <= ?
            ORDER BY starts_at, id LIMIT ?
            """,
            (to_db(since), to_db(until), limit),
        )
        return [_seminar(r) for r in rows]

    async def in_programme(self, programme_id: int) -> list[Seminar]:
        """The programme's published seminars, soonest first."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM seminars WHERE programme_id = ? AND status = 'published'
            ORDER BY starts_at, id
            """,
            (programme_id,),
        )
        return [_seminar(r) for r in rows]

    async def all(self) -> list[Seminar]:
        rows = await self._db.fetch_all("SELECT * FROM seminars ORDER BY starts_at, id")
        return [_seminar(r) for r in rows]

    async def update(self, seminar_id: int, now: datetime, **fields: Any) -> None:
        unknown = set(fields) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        values = {k: to_db(v) if isinstance(v, datetime) else v for k, v in fields.items()}
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        await self._db.execute(
            f"UPDATE seminars SET {assignments}, updated_at = :now WHERE id = :id",
            {**values, "now": to_db(now), "id": seminar_id},
        )

    async def set_status(self, seminar_id: int, status: SeminarStatus, now: datetime) -> None:
        await self._db.execute(
            "UPDATE seminars SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, to_db(now), seminar_id),
        )
