"""Programmes: named series of seminars with a completion rule (attended at least N)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.timecodec import from_db, to_db


@dataclass(frozen=True, slots=True)
class Programme:
    id: int
    title: str
    required: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProgrammeProgress:
    user_id: int
    full_name: str
    attended: int


def _programme(row: sqlite3.Row) -> Programme:
    return Programme(
        id=row["id"],
        title=row["title"],
        required=row["required"],
        created_at=from_db(row["created_at"]),
    )


class ProgrammeRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def create(self, title: str, required: int, now: datetime) -> Programme:
        programme_id = await self._db.execute(
            "INSERT INTO programmes (title, required, created_at) VALUES (?, ?, ?)",
            (title, required, to_db(now)),
        )
        return Programme(programme_id, title, required, now)

    async def get(self, programme_id: int) -> Programme | None:
        row = await self._db.fetch_one("SELECT * FROM programmes WHERE id = ?", (programme_id,))
        return _programme(row) if row else None

    async def all(self) -> list[Programme]:
        rows = await self._db.fetch_all("SELECT * FROM programmes ORDER BY id")
        return [_programme(row) for row in rows]

    async def rename(self, programme_id: int, title: str) -> None:
        await self._db.execute(
            "UPDATE programmes SET title = ? WHERE id = ?", (title, programme_id)
        )

    async def set_required(self, programme_id: int, required: int) -> None:
        await self._db.execute(
            "UPDATE programmes SET required = ? WHERE id = ?", (required, programme_id)
        )

    async def set_seminar(self, seminar_id: int, programme_id: int | None) -> None:
        await self._db.execute(
            "UPDATE seminars SET programme_id = ? WHERE id = ?", (programme_id, seminar_id)
        )

    async def progress(self, programme_id: int) -> list[ProgrammeProgress]:
        """Everyone who attended any of the programme's seminars, most attended first."""
        rows = await self._db.fetch_all(
            """
            SELECT r.user_id, COALESCE(p.full_name, u.first_name, '') AS full_name,
                   COUNT(DISTINCT s.id) AS attended
            FROM registrations AS r
            JOIN seminars AS s ON s.id = r.seminar_id
            JOIN attendance AS a ON a.registration_id = r.id
            LEFT JOIN profiles AS p ON p.user_id = r.user_id
            LEFT JOIN users AS u ON u.id = r.user_id
            WHERE s.programme_id = ? AND s.status = 'published' AND r.user_id IS NOT NULL
            GROUP BY r.user_id
            ORDER BY attended DESC, full_name COLLATE NOCASE
            """,
            (programme_id,),
        )
        return [
            ProgrammeProgress(row["user_id"], row["full_name"], row["attended"]) for row in rows
        ]
