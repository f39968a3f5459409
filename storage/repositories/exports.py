"""Attendee lists for exports: registrations joined with profiles and users, one query."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.models import AttendanceKind, RegistrationStatus
from storage.timecodec import from_db

# Confirmed first, then the waitlist in its order, then cancellations; `id` is the
# waitlist order, so the place is the row number among waitlisted rows.
_ROWS_SQL = """
    SELECT
        r.id, r.seminar_id, r.user_id, r.status, r.attendance, r.created_at,
        CASE WHEN r.status = 'waitlist'
             THEN ROW_NUMBER() OVER (PARTITION BY r.seminar_id, r.status ORDER BY r.id)
        END AS waitlist_place,
        p.full_name, p.organisation, p.phone, u.username, a.kind AS came
    FROM registrations AS r
    LEFT JOIN users AS u ON u.id = r.user_id
    LEFT JOIN profiles AS p ON p.user_id = r.user_id
    LEFT JOIN attendance AS a ON a.registration_id = r.id
    WHERE {where}
    ORDER BY r.seminar_id,
             CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waitlist' THEN 1 ELSE 2 END,
             r.id
"""


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One registration as it goes into a file; `user_id` None means anonymised."""

    registration_id: int
    seminar_id: int
    user_id: int | None
    full_name: str | None
    organisation: str | None
    phone: str | None
    username: str | None
    status: RegistrationStatus
    waitlist_place: int | None
    registered_at: datetime
    attendance: str | None  # 'yes', 'no' or None (no answer to the reminder)
    came: AttendanceKind | None = None  # checked in at the door or joined online


def _row(row: sqlite3.Row) -> ExportRow:
    return ExportRow(
        registration_id=row["id"],
        seminar_id=row["seminar_id"],
        user_id=row["user_id"],
        full_name=row["full_name"],
        organisation=row["organisation"],
        phone=row["phone"],
        username=row["username"],
        status=RegistrationStatus(row["status"]),
        waitlist_place=row["waitlist_place"],
        registered_at=from_db(row["created_at"]),
        attendance=row["attendance"],
        came=AttendanceKind(row["came"]) if row["came"] else None,
    )


class ExportRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def rows(self, seminar_id: int) -> list[ExportRow]:
        """Every registration of the seminar, confirmed, then waitlist, then cancelled."""
        rows = await self._db.fetch_all(_ROWS_SQL.format(where="r.seminar_id = ?"), (seminar_id,))
        return [_row(r) for r in rows]

    async def rows_by_seminar(self) -> dict[int, list[ExportRow]]:
        """Every registration of every seminar, grouped by seminar id."""
        grouped: dict[int, list[ExportRow]] = {}
        for row in await self._db.fetch_all(_ROWS_SQL.format(where="1 = 1")):
            item = _row(row)
            grouped.setdefault(item.seminar_id, []).append(item)
        return grouped
