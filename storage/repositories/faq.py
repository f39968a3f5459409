"""FAQ entries: the imported file's entries and those organisers added from answered questions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.database import Executor
from storage.models import FaqRecord, FaqSource
from storage.timecodec import from_db, to_db


def _record(row: sqlite3.Row) -> FaqRecord:
    return FaqRecord(
        id=row["id"],
        lang=row["lang"],
        category=row["category"],
        question=row["question"],
        aliases=tuple(json.loads(row["aliases"])),
        answer=row["answer"],
        source=FaqSource(row["source"]),
        updated_at=from_db(row["updated_at"]),
    )


class FaqRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def all(self) -> list[FaqRecord]:
        """Every entry: file entries in import order, then organisers' entries by age."""
        rows = await self._db.fetch_all(
            "SELECT * FROM faq_entries ORDER BY source = 'organiser', rowid"
        )
        return [_record(row) for row in rows]

    async def get(self, entry_id: str) -> FaqRecord | None:
        row = await self._db.fetch_one("SELECT * FROM faq_entries WHERE id = ?", (entry_id,))
        return _record(row) if row else None

    async def upsert(
        self,
        entry_id: str,
        lang: str,
        category: str,
        question: str,
        aliases: Sequence[str],
        answer: str,
        source: FaqSource,
        now: datetime,
    ) -> None:
        await self._db.execute(
            """
            INSERT INTO faq_entries (id, lang, category, question, aliases, answer, source,
                                     updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                lang = excluded.lang,
                category = excluded.category,
                question = excluded.question,
                aliases = excluded.aliases,
                answer = excluded.answer,
                source = excluded.source,
                updated_at = excluded.updated_at
            """,
            (
                entry_id,
                lang,
                category,
                question,
                json.dumps(list(aliases), ensure_ascii=False),
                answer,
                source.value,
                to_db(now),
            ),
        )

    async def delete(self, entry_id: str) -> bool:
        return await self._db.execute("DELETE FROM faq_entries WHERE id = ?", (entry_id,)) == 1

    async def delete_file_entries_except(self, keep_ids: Sequence[str]) -> int:
        """Remove file entries whose id is not in `keep_ids`; organisers' entries stay."""
        return await self._db.execute(
            """
            DELETE FROM faq_entries
            WHERE source = 'file' AND id NOT IN (SELECT value FROM json_each(?))
            """,
            (json.dumps(list(keep_ids), ensure_ascii=False),),
        )
