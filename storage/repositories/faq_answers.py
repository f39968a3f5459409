"""Confident FAQ answers given, as moments only (no user, no text)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Executor
from storage.timecodec import to_db


class FaqAnswerRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def record(self, at: datetime) -> None:
        await self._db.execute("INSERT INTO faq_answers (answered_at) VALUES (?)", (to_db(at),))

    async def count(self, start: datetime, end: datetime) -> int:
        """Answers given in [start, end)."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM faq_answers WHERE answered_at >= ? AND answered_at < ?",
            (to_db(start), to_db(end)),
        )
        return int(row["n"]) if row is not None else 0
