"""Update ids whose handling finished, so an update Telegram delivers again is skipped."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.database import Executor
from storage.timecodec import to_db

# Telegram delivers an unconfirmed update again within minutes of the bot's return; after
# a week without updates it may reuse old ids, so only recent entries count and are kept.
REMEMBER = timedelta(days=1)
PRUNE_EVERY = 1000


class HandledUpdateRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def was_handled(self, update_id: int, now: datetime) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM handled_updates WHERE update_id = ? AND handled_at >= ?",
            (update_id, to_db(now - REMEMBER)),
        )
        return row is not None

    async def record(self, update_id: int, now: datetime) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            (update_id, to_db(now)),
        )
        if update_id % PRUNE_EVERY == 0:
            await self._db.execute(
                "DELETE FROM handled_updates WHERE handled_at < ?", (to_db(now - REMEMBER),)
            )
