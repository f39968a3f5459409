"""Participants' profiles: personal data collected after consent."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor
from storage.models import Profile
from storage.timecodec import from_db, to_db


def _profile(row: sqlite3.Row) -> Profile:
    return Profile(
        user_id=row["user_id"],
        full_name=row["full_name"],
        organisation=row["organisation"],
        phone=row["phone"],
        consent_at=from_db(row["consent_at"]),
    )


class ProfileRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def get(self, user_id: int) -> Profile | None:
        row = await self._db.fetch_one("SELECT * FROM profiles WHERE user_id = ?", (user_id,))
        return _profile(row) if row else None

    async def save(
        self,
        user_id: int,
        full_name: str,
        organisation: str,
        phone: str,
        consent_at: datetime,
        now: datetime,
    ) -> None:
        await self._db.execute(
            """
            INSERT INTO profiles (user_id, full_name, organisation, phone, consent_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                full_name = excluded.full_name,
                organisation = excluded.organisation,
                phone = excluded.phone,
                updated_at = excluded.updated_at
            """,
            (user_id, full_name, organisation, phone, to_db(consent_at), to_db(now)),
        )

    async def delete(self, user_id: int) -> bool:
        return await self._db.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,)) > 0
