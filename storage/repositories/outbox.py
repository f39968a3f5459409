"""The delivery outbox: one row per (kind, ref, chat), claimed just before its request leaves.

A row moves pending → sending (claimed, one statement) → sent/blocked/failed/skipped, or
back to pending with a later `due_at` after a retryable error; pending → stopped when an
admin stops a broadcast; sending → uncertain when the bot restarts with the row claimed.
Only `requeue_uncertain` (the admin's explicit choice) moves uncertain back to pending.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from storage.database import Executor
from storage.models import DeliveryStatus, OutboxItem, Priority
from storage.timecodec import from_db, to_db


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        kind=row["kind"],
        ref=row["ref"],
        chat_id=row["chat_id"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        retry_until=from_db(row["retry_until"]) if row["retry_until"] else None,
    )


class OutboxRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def enqueue(
        self,
        kind: str,
        ref: str,
        priority: Priority,
        chat_ids: Iterable[int],
        now: datetime,
        payload: dict[str, Any] | None = None,
    ) -> int:
        """Queue one delivery per chat; a (kind, ref, chat) queued before is left alone.

        Returns how many were queued now.
        """
        queued = 0
        encoded = json.dumps(payload or {}, ensure_ascii=False, sort_keys=True)
        for chat_id in dict.fromkeys(chat_ids):
            row = await self._db.fetch_one(
                """
                INSERT INTO outbox (kind, ref, chat_id, priority, payload, due_at, created_at,
                                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, ref, chat_id) DO NOTHING
                RETURNING id
                """,
                (kind, ref, chat_id, int(priority), encoded, to_db(now), to_db(now), to_db(now)),
            )
            queued += row is not None
        return queued

    async def claim_next(self, now: datetime) -> OutboxItem | None:
        """Atomically take the most urgent due delivery (pending → sending)."""
        row = await self._db.fetch_one(
            """
            UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?
            WHERE id = (
                SELECT id FROM outbox
                WHERE status = 'pending' AND due_at <= ?
                ORDER BY priority, due_at, id LIMIT 1
            )
            RETURNING *
            """,
            (to_db(now), to_db(now)),
        )
        return _item(row) if row else None

    async def next_due(self) -> datetime | None:
        row = await self._db.fetch_one(
            "SELECT MIN(due_at) AS due FROM outbox WHERE status = 'pending'"
        )
        return from_db(row["due"]) if row and row["due"] else None

    async def settle(self, item_id: int, status: DeliveryStatus, now: datetime) -> None:
        """The outcome of a claimed delivery."""
        await self._db.execute(
            "UPDATE outbox SET status = ?, updated_at = ? WHERE id = ? AND status = 'sending'",
            (status.value, to_db(now), item_id),
        )

    async def retry(
        self, item_id: int, due_at: datetime, retry_until: datetime | None, now: datetime
    ) -> None:
        """Back to the queue: the request was refused, so sending it again is safe."""
        await self._db.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, retry_until = ?, updated_at = ?
            WHERE id = ? AND status = 'sending'
            """,
            (to_db(due_at), to_db(retry_until) if retry_until else None, to_db(now), item_id),
        )

    async def mark_in_flight_uncertain(self, now: datetime) -> int:
        """Claimed deliveries whose outcome was never recorded: uncertain, never resent."""
        return await self._db.execute(
            "UPDATE outbox SET status = 'uncertain', updated_at = ? WHERE status = 'sending'",
            (to_db(now),),
        )

    async def stop_pending(self, kind: str, ref: str, now: datetime) -> int:
        return await self._db.execute(
            """
            UPDATE outbox SET status = 'stopped', updated_at = ?
            WHERE kind = ? AND ref = ? AND status = 'pending'
            """,
            (to_db(now), kind, ref),
        )

    async def requeue_uncertain(self, kind: str, ref: str, now: datetime) -> int:
        """At-least-once for the few uncertain ones, on an admin's explicit request."""
        return await self._db.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, retry_until = NULL, updated_at = ?
            WHERE kind = ? AND ref = ? AND status = 'uncertain'
            """,
            (to_db(now), to_db(now), kind, ref),
        )

    async def counts(self, kind: str, ref: str) -> dict[DeliveryStatus, int]:
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = ? AND ref = ? GROUP BY status",
            (kind, ref),
        )
        return {DeliveryStatus(row["status"]): int(row["n"]) for row in rows}

    async def status(self, kind: str, ref: str, chat_id: int) -> DeliveryStatus | None:
        row = await self._db.fetch_one(
            "SELECT status FROM outbox WHERE kind = ? AND ref = ? AND chat_id = ?",
            (kind, ref, chat_id),
        )
        return DeliveryStatus(row["status"]) if row else None
