"""Update ids whose handling finished, so an update Telegram delivers again is skipped."""

from __future__ import annotations

from datetime import datetime

from storage.database import Executor
from storage.timecodec import to_db

# Telegram numbers updates in order; ids this far behind the newest can never come back.
KEEP_LAST = 100_000


class HandledUpdateRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def was_handled(self, update_id: int) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,)
        )
        return row is not None

    async def record(self, update_id: int, now: datetime) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            (update_id, to_db(now)),
        )
        if update_id % 1000 == 0:
            await self._db.execute(
                "DELETE FROM handled_updates WHERE update_id < ?", (update_id - KEEP_LAST,)
            )
