"""Registrations: seats and waitlist places. The waitlist order is the row id."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.models import Registration, RegistrationStatus
from storage.timecodec import from_db, to_db


def _registration(row: sqlite3.Row) -> Registration:
    return Registration(
        id=row["id"],
        seminar_id=row["seminar_id"],
        user_id=row["user_id"],
        status=RegistrationStatus(row["status"]),
        attendance=row["attendance"],
        created_at=from_db(row["created_at"]),
        status_changed_at=from_db(row["status_changed_at"]),
    )


@dataclass(frozen=True, slots=True)
class SeatCounts:
    confirmed: int
    waitlist: int
    cancelled: int
    attending: int  # confirmed users who pressed "I'll come"


class RegistrationRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def live(self, seminar_id: int, user_id: int) -> Registration | None:
        """The user's confirmed or waitlist registration for the seminar, if any."""
        row = await self._db.fetch_one(
            """
            SELECT * FROM registrations
            WHERE seminar_id = ? AND user_id = ? AND status <> 'cancelled'
            """,
            (seminar_id, user_id),
        )
        return _registration(row) if row else None

    async def get(self, registration_id: int) -> Registration | None:
        row = await self._db.fetch_one(
            "SELECT * FROM registrations WHERE id = ?", (registration_id,)
        )
        return _registration(row) if row else None

    async def counts(self, seminar_id: int) -> SeatCounts:
        row = await self._db.fetch_one(
            """
            SELECT
                COALESCE(SUM(status = 'confirmed'), 0) AS confirmed,
                COALESCE(SUM(status = 'waitlist'), 0) AS waitlist,
                COALESCE(SUM(status = 'cancelled'), 0) AS cancelled,
                COALESCE(SUM(status = 'confirmed' AND attendance = 'yes'), 0) AS attending
            FROM registrations WHERE seminar_id = ?
            """,
            (seminar_id,),
        )
        assert row is not None
        return SeatCounts(row["confirmed"], row["waitlist"], row["cancelled"], row["attending"])

    async def confirmed_counts(self, seminar_ids: list[int]) -> dict[int, int]:
        if not seminar_ids:
            return {}
        marks = ",".join("?" * len(seminar_ids))
        rows = await self._db.fetch_all(
            f"""
            SELECT seminar_id, COUNT(*) AS n FROM registrations
            WHERE status = 'confirmed' AND seminar_id IN ({marks})
            GROUP BY seminar_id
            """,
            seminar_ids,
        )
        return {row["seminar_id"]: row["n"] for row in rows}

    async def insert(
        self, seminar_id: int, user_id: int, status: RegistrationStatus, now: datetime
    ) -> Registration:
        row = await self._db.fetch_one(
            """
            INSERT INTO registrations (seminar_id, user_id, status, created_at, status_changed_at)
            VALUES (?, ?, ?, ?, ?) RETURNING *
            """,
            (seminar_id, user_id, status.value, to_db(now), to_db(now)),
        )
        assert row is not None
        return _registration(row)

    async def set_status(
        self, registration_id: int, status: RegistrationStatus, now: datetime
    ) -> None:
        await self._db.execute(
            "UPDATE registrations SET status = ?, status_changed_at = ? WHERE id = ?",
            (status.value, to_db(now), registration_id),
        )

    async def set_attendance(self, registration_id: int, attendance: str) -> None:
        await self._db.execute(
            "UPDATE registrations SET attendance = ? WHERE id = ?", (attendance, registration_id)
        )

    async def waitlist_position(self, registration: Registration) -> int:
        row = await self._db.fetch_one(
            """
            SELECT COUNT(*) FROM registrations
            WHERE seminar_id = ? AND status = 'waitlist' AND id <= ?
            """,
            (registration.seminar_id, registration.id),
        )
        return int(row[0]) if row else 0

    async def first_waitlisted(self, seminar_id: int, limit: int) -> list[Registration]:
        rows = await self._db.fetch_all(
            """
            SELECT * FROM registrations
            WHERE seminar_id = ? AND status = 'waitlist' ORDER BY id LIMIT ?
            """,
            (seminar_id, limit),
        )
        return [_registration(r) for r in rows]

    async def for_seminar(
        self, seminar_id: int, statuses: tuple[RegistrationStatus, ...] | None = None
    ) -> list[Registration]:
        wanted = statuses or tuple(RegistrationStatus)
        marks = ",".join("?" * len(wanted))
        rows = await self._db.fetch_all(
            f"""
            SELECT * FROM registrations
            WHERE seminar_id = ? AND status IN ({marks}) ORDER BY id
            """,
            (seminar_id, *[s.value for s in wanted]),
        )
        return [_registration(r) for r in rows]

    async def live_for_user(self, user_id: int) -> list[Registration]:
        rows = await self._db.fetch_all(
            """
            SELECT * FROM registrations
            WHERE user_id = ? AND status <> 'cancelled' ORDER BY id
            """,
            (user_id,),
        )
        return [_registration(r) for r in rows]

    async def anonymise_user(self, user_id: int) -> int:
        """Detach every remaining registration of the user from their identity, giving them
        one new opaque number so that the person is still counted once (never named)."""
        row = await self._db.fetch_one(
            "SELECT COALESCE(MAX(forgotten_person), 0) + 1 AS next FROM registrations"
        )
        assert row is not None
        return await self._db.execute(
            "UPDATE registrations SET user_id = NULL, forgotten_person = ? WHERE user_id = ?",
            (row["next"], user_id),
        )
