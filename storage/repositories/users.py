"""Users: everyone who wrote to the bot, their language and whether they can be reached."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor
from storage.models import User
from storage.timecodec import to_db


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        language_code=row["language_code"],
        language=row["language"],
        is_active=bool(row["is_active"]),
    )


class UserRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def record_seen(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        now: datetime,
        *,
        in_private: bool = True,
    ) -> User:
        """Insert or refresh the user. Writing to the bot in a private chat makes a blocked
        user active again and puts a new one in the "Everyone" audience; a message in a group
        (the staff chat) does neither."""
        row = await self._db.fetch_one(
            """
            INSERT INTO users (id, first_name, last_name, username, language_code,
                               is_active, created_at, last_seen_at, private_chat_at)
            VALUES (?, ?, ?, ?, ?, 1, ?, ?, CASE WHEN ? THEN ? END)
            ON CONFLICT (id) DO UPDATE SET
                first_name = excluded.first_name,
                last_name = excluded.last_name,
                username = excluded.username,
                language_code = excluded.language_code,
                is_active = CASE WHEN ? THEN 1 ELSE is_active END,
                last_seen_at = excluded.last_seen_at,
                private_chat_at = COALESCE(private_chat_at, excluded.private_chat_at)
            RETURNING *
            """,
            (
                user_id,
                first_name,
                last_name,
                username,
                language_code,
                to_db(now),
                to_db(now),
                in_private,
                to_db(now),
                in_private,
            ),
        )
        assert row is not None
        return _user(row)

    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def get_many(self, user_ids: list[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self._db.fetch_all(f"SELECT * FROM users WHERE id IN ({marks})", user_ids)
        return {row["id"]: _user(row) for row in rows}

    async def set_language(self, user_id: int, language: str) -> None:
        await self._db.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def mark_inactive(self, user_id: int) -> None:
        await self._db.execute("UPDATE users SET is_active = 0 WHERE id = ?", (user_id,))

    async def active_ids(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT id FROM users WHERE is_active = 1 ORDER BY id")
        return [row["id"] for row in rows]

    async def forget_names(self, user_id: int, now: datetime) -> None:
        """Drop what Telegram told us about the person, keeping only the id and language;
        the user is out of the "Everyone" audience until they /start again."""
        await self._db.execute(
            "UPDATE users SET first_name = '', last_name = NULL, username = NULL,"
            " forgotten_at = ? WHERE id = ?",
            (to_db(now), user_id),
        )

    async def started(self, user_id: int) -> None:
        """/start: a user who had been forgotten is part of "Everyone" again."""
        await self._db.execute(
            "UPDATE users SET forgotten_at = NULL WHERE id = ? AND forgotten_at IS NOT NULL",
            (user_id,),
        )

    async def counts(self) -> tuple[int, int]:
        """(total, active)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS total, COALESCE(SUM(is_active), 0) AS active FROM users"
        )
        assert row is not None
        return row["total"], row["active"]
