"""Batches of outbox deliveries with one report to their admin: materials, certificates.

A batch's outbox rows have refs `<batch id>:<item id>`, so one person can get several
rows of one batch (several materials); the tally counts people, not rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.database import Executor
from storage.timecodec import to_db


@dataclass(frozen=True, slots=True)
class DeliveryBatch:
    id: int
    kind: str
    title: str
    admin_id: int


@dataclass(frozen=True, slots=True)
class BatchTally:
    """People of a batch by where their deliveries stand; the worst row decides."""

    sent: int = 0  # every row sent
    blocked: int = 0  # unreachable (blocked the bot, chat gone) or no longer known
    failed: int = 0  # refused or given up
    uncertain: int = 0  # in flight when the bot stopped: delivered or not, unknown
    open: int = 0  # still to send

    @property
    def total(self) -> int:
        return self.sent + self.blocked + self.failed + self.uncertain + self.open


def ref(batch_id: int, item_id: int) -> str:
    return f"{batch_id}:{item_id}"


def _batch(row: sqlite3.Row) -> DeliveryBatch:
    return DeliveryBatch(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        admin_id=row["admin_id"],
    )


# Rows of one batch: refs `<id>:…` (the colon keeps batch 1 from matching batch 12).
_ROWS = "FROM outbox WHERE kind = ? AND ref LIKE ? || ':%'"


class BatchRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def create(self, kind: str, title: str, admin_id: int, now: datetime) -> int:
        return await self._db.execute(
            """
            INSERT INTO delivery_batches (kind, title, admin_id, created_at) VALUES (?, ?, ?, ?)
            """,
            (kind, title, admin_id, to_db(now)),
        )

    async def get(self, batch_id: int) -> DeliveryBatch | None:
        row = await self._db.fetch_one("SELECT * FROM delivery_batches WHERE id = ?", (batch_id,))
        return _batch(row) if row else None

    async def unreported(self, kind: str) -> list[DeliveryBatch]:
        rows = await self._db.fetch_all(
            "SELECT * FROM delivery_batches WHERE kind = ? AND reported_at IS NULL ORDER BY id",
            (kind,),
        )
        return [_batch(row) for row in rows]

    async def tally(self, kind: str, batch_id: int) -> BatchTally:
        rows = await self._db.fetch_all(
            f"""
            SELECT CASE
                     WHEN SUM(status IN ('pending', 'sending')) > 0 THEN 'open'
                     WHEN SUM(status IN ('blocked', 'skipped')) > 0 THEN 'blocked'
                     WHEN SUM(status = 'uncertain') > 0 THEN 'uncertain'
                     WHEN SUM(status = 'sent') = COUNT(*) THEN 'sent'
                     ELSE 'failed'
                   END AS outcome
            {_ROWS}
            GROUP BY chat_id
            """,
            (kind, str(batch_id)),
        )
        counts = {"sent": 0, "blocked": 0, "failed": 0, "uncertain": 0, "open": 0}
        for row in rows:
            counts[row["outcome"]] += 1
        return BatchTally(**counts)

    async def mark_reported(self, batch_id: int, now: datetime) -> bool:
        """True for the one caller that reports the batch."""
        changed = await self._db.execute(
            """
            UPDATE delivery_batches SET reported_at = ?
            WHERE id = ? AND reported_at IS NULL
            """,
            (to_db(now), batch_id),
        )
        return changed == 1

    async def requeue_uncertain(self, kind: str, batch_id: int, now: datetime) -> int:
        """The admin's resend: the batch's uncertain rows are queued again, its report reopened."""
        count = await self._db.execute(
            f"""
            UPDATE outbox SET status = 'pending', due_at = ?, retry_until = NULL, updated_at = ?
            WHERE id IN (SELECT id {_ROWS} AND status = 'uncertain')
            """,
            (to_db(now), to_db(now), kind, str(batch_id)),
        )
        if count:
            await self._db.execute(
                "UPDATE delivery_batches SET reported_at = NULL WHERE id = ?", (batch_id,)
            )
        return count
