"""Attendance marks, the check-in roster, walk-ins and the after-seminar summary claims."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.models import Attendance, AttendanceKind, MarkMethod, RegistrationStatus
from storage.timecodec import from_db, to_db

_ENTRY_SQL = """
    SELECT r.id AS registration_id, r.seminar_id, r.user_id, r.status,
           COALESCE(p.full_name, u.first_name, '') AS full_name,
           COALESCE(p.organisation, '') AS organisation,
           t.code, a.kind
    FROM registrations AS r
    LEFT JOIN profiles AS p ON p.user_id = r.user_id
    LEFT JOIN users AS u ON u.id = r.user_id
    LEFT JOIN tickets AS t ON t.registration_id = r.id
    LEFT JOIN attendance AS a ON a.registration_id = r.id
"""


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A registration as the door sees it: who, from where, ticket code, mark."""

    registration_id: int
    seminar_id: int
    user_id: int | None
    status: RegistrationStatus
    full_name: str
    organisation: str
    code: str | None
    kind: AttendanceKind | None  # None: not marked

    @property
    def is_marked(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    seats: int  # confirmed registrations
    in_person: int
    online: int

    @property
    def attended(self) -> int:
        return self.in_person + self.online


def _entry(row: sqlite3.Row) -> RosterEntry:
    return RosterEntry(
        registration_id=row["registration_id"],
        seminar_id=row["seminar_id"],
        user_id=row["user_id"],
        status=RegistrationStatus(row["status"]),
        full_name=row["full_name"],
        organisation=row["organisation"],
        code=row["code"],
        kind=AttendanceKind(row["kind"]) if row["kind"] else None,
    )


def _attendance(row: sqlite3.Row) -> Attendance:
    return Attendance(
        registration_id=row["registration_id"],
        kind=AttendanceKind(row["kind"]),
        method=MarkMethod(row["method"]),
        marked_by=row["marked_by"],
        marked_at=from_db(row["marked_at"]),
    )


class AttendanceRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def get(self, registration_id: int) -> Attendance | None:
        row = await self._db.fetch_one(
            "SELECT * FROM attendance WHERE registration_id = ?", (registration_id,)
        )
        return _attendance(row) if row else None

    async def mark(
        self,
        registration_id: int,
        kind: AttendanceKind,
        method: MarkMethod,
        marked_by: int | None,
        now: datetime,
    ) -> bool:
        """Record the mark; False when the registration was already marked (kept as it was)."""
        row = await self._db.fetch_one(
            """
            INSERT INTO attendance (registration_id, kind, method, marked_by, marked_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (registration_id) DO NOTHING RETURNING registration_id
            """,
            (registration_id, kind.value, method.value, marked_by, to_db(now)),
        )
        return row is not None

    async def unmark(self, registration_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM attendance WHERE registration_id = ?", (registration_id,)
        )
        return changed > 0

    async def entry(self, registration_id: int) -> RosterEntry | None:
        row = await self._db.fetch_one(f"{_ENTRY_SQL} WHERE r.id = ?", (registration_id,))
        return _entry(row) if row else None

    async def roster(self, seminar_id: int) -> list[RosterEntry]:
        """The seminar's seat holders (anonymised ones left out), alphabetically by name."""
        rows = await self._db.fetch_all(
            f"""{_ENTRY_SQL}
            WHERE r.seminar_id = ? AND r.status = 'confirmed' AND r.user_id IS NOT NULL
            """,
            (seminar_id,),
        )
        # SQLite's NOCASE folds ASCII only; Python sorts Cyrillic names properly.
        return sorted(
            (_entry(r) for r in rows),
            key=lambda entry: (entry.full_name.casefold(), entry.registration_id),
        )

    async def counts(self, seminar_id: int) -> AttendanceCounts:
        row = await self._db.fetch_one(
            """
            SELECT
                COALESCE(SUM(r.status = 'confirmed'), 0) AS seats,
                COALESCE(SUM(a.kind = 'in_person'), 0) AS in_person,
                COALESCE(SUM(a.kind = 'online'), 0) AS online
            FROM registrations AS r
            LEFT JOIN attendance AS a ON a.registration_id = r.id
            WHERE r.seminar_id = ?
            """,
            (seminar_id,),
        )
        assert row is not None
        return AttendanceCounts(row["seats"], row["in_person"], row["online"])

    async def record_walk_in(self, seminar_id: int, user_id: int, now: datetime) -> bool:
        """True the first time this user scanned this seminar's door QR without a seat."""
        row = await self._db.fetch_one(
            """
            INSERT INTO walk_ins (seminar_id, user_id, scanned_at) VALUES (?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING seminar_id
            """,
            (seminar_id, user_id, to_db(now)),
        )
        return row is not None

    async def forget_walk_ins(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM walk_ins WHERE user_id = ?", (user_id,))

    async def claim_summary(self, seminar_id: int, now: datetime) -> bool:
        row = await self._db.fetch_one(
            """
            INSERT INTO attendance_summaries (seminar_id, sent_at) VALUES (?, ?)
            ON CONFLICT DO NOTHING RETURNING seminar_id
            """,
            (seminar_id, to_db(now)),
        )
        return row is not None
