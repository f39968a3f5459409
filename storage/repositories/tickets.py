"""Personal tickets (one per registration) and the seminars' door codes."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor
from storage.models import Ticket
from storage.timecodec import to_db


def _ticket(row: sqlite3.Row) -> Ticket:
    return Ticket(registration_id=row["registration_id"], token=row["token"], code=row["code"])


class TicketRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def for_registration(self, registration_id: int) -> Ticket | None:
        row = await self._db.fetch_one(
            "SELECT * FROM tickets WHERE registration_id = ?", (registration_id,)
        )
        return _ticket(row) if row else None

    async def by_token(self, token: str) -> Ticket | None:
        row = await self._db.fetch_one("SELECT * FROM tickets WHERE token = ?", (token,))
        return _ticket(row) if row else None

    async def insert(self, registration_id: int, token: str, code: str, now: datetime) -> bool:
        """False when the token or code is taken (the caller draws new ones)."""
        row = await self._db.fetch_one(
            """
            INSERT INTO tickets (registration_id, token, code, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING registration_id
            """,
            (registration_id, token, code, to_db(now)),
        )
        return row is not None

    async def door_token(self, seminar_id: int) -> str | None:
        row = await self._db.fetch_one(
            "SELECT token FROM door_codes WHERE seminar_id = ?", (seminar_id,)
        )
        return str(row["token"]) if row else None

    async def insert_door_token(self, seminar_id: int, token: str, now: datetime) -> bool:
        row = await self._db.fetch_one(
            """
            INSERT INTO door_codes (seminar_id, token, created_at) VALUES (?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING seminar_id
            """,
            (seminar_id, token, to_db(now)),
        )
        return row is not None

    async def seminar_for_door(self, token: str) -> int | None:
        row = await self._db.fetch_one(
            "SELECT seminar_id FROM door_codes WHERE token = ?", (token,)
        )
        return int(row["seminar_id"]) if row else None
