"""What the FAQ learns: unanswered questions (misses) and wordings attached to entries."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor
from storage.models import FaqMiss
from storage.timecodec import from_db, to_db


def _miss(row: sqlite3.Row) -> FaqMiss:
    return FaqMiss(
        id=row["id"],
        lang=row["lang"],
        text=row["text"],
        wording=row["wording"],
        count=row["count"],
        last_asked=from_db(row["last_asked"]),
    )


class FaqLearningRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add_miss(
        self, user_id: int, lang: str, text: str, wording: str, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO faq_misses (user_id, lang, text, wording, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, lang, text, wording, to_db(now)),
        )

    async def frequent_misses(self, limit: int = -1) -> list[FaqMiss]:
        """Wordings asked most often first, then the most recently asked (all by default)."""
        rows = await self._db.fetch_all(
            """
            SELECT m.id, m.lang, m.text, m.wording, g.count, g.last_asked
            FROM (
                SELECT wording, COUNT(*) AS count, MAX(created_at) AS last_asked,
                       MAX(id) AS newest
                FROM faq_misses GROUP BY wording
            ) AS g
            JOIN faq_misses AS m ON m.id = g.newest
            ORDER BY g.count DESC, g.last_asked DESC
            LIMIT ?
            """,
            (limit,),
        )
        return [_miss(row) for row in rows]

    async def get_miss(self, miss_id: int) -> FaqMiss | None:
        row = await self._db.fetch_one(
            """
            SELECT m.id, m.lang, m.text, m.wording,
                   (SELECT COUNT(*) FROM faq_misses WHERE wording = m.wording) AS count,
                   m.created_at AS last_asked
            FROM faq_misses AS m WHERE m.id = ?
            """,
            (miss_id,),
        )
        return _miss(row) if row else None

    async def delete_wording(self, wording: str) -> int:
        return await self._db.execute("DELETE FROM faq_misses WHERE wording = ?", (wording,))

    async def delete_misses_before(self, cutoff: datetime) -> int:
        return await self._db.execute(
            "DELETE FROM faq_misses WHERE created_at < ?", (to_db(cutoff),)
        )

    async def delete_misses_of_user(self, user_id: int) -> int:
        return await self._db.execute("DELETE FROM faq_misses WHERE user_id = ?", (user_id,))

    async def add_alias(self, entry_id: str, text: str, now: datetime) -> bool:
        """False when the entry already has this wording."""
        row = await self._db.fetch_one(
            "INSERT INTO faq_learned_aliases (entry_id, text, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING entry_id",
            (entry_id, text, to_db(now)),
        )
        return row is not None

    async def delete_alias(self, entry_id: str, text: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM faq_learned_aliases WHERE entry_id = ? AND text = ?", (entry_id, text)
            )
            == 1
        )

    async def aliases(self) -> dict[str, list[str]]:
        """Learned wordings per entry id, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT entry_id, text FROM faq_learned_aliases ORDER BY created_at, rowid"
        )
        result: dict[str, list[str]] = {}
        for row in rows:
            result.setdefault(row["entry_id"], []).append(row["text"])
        return result
