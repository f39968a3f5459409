"""Broadcasts and their recipients: a persisted job where every delivery is claimed first.

A recipient moves pending → sending (claimed, in one statement) → sent/blocked/failed,
or pending → stopped. Nothing ever moves a recipient back to pending.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.database import Executor, Params
from storage.models import (
    Audience,
    BodyKind,
    Broadcast,
    BroadcastBody,
    BroadcastStatus,
    BroadcastTally,
    RecipientStatus,
)
from storage.timecodec import from_db, to_db


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        audience=Audience(row["audience"]),
        seminar_id=row["seminar_id"],
        source_chat_id=row["source_chat_id"],
        source_message_id=row["source_message_id"],
        status=BroadcastStatus(row["status"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        created_at=from_db(row["created_at"]),
        finished_at=from_db(row["finished_at"]) if row["finished_at"] else None,
        body=(
            BroadcastBody(BodyKind(row["body_kind"]), row["body_html"] or "")
            if row["body_kind"]
            else None
        ),
    )


def _audience_query(audience: Audience, seminar_id: int | None) -> tuple[str, Params]:
    """SELECT of the user ids an audience reaches now; users who blocked the bot excluded."""
    if audience is Audience.ALL:
        return (
            "SELECT id AS user_id FROM users WHERE is_active = 1 AND forgotten_at IS NULL",
            (),
        )
    if seminar_id is None:
        raise ValueError(f"audience {audience} needs a seminar")
    return (
        """
        SELECT DISTINCT r.user_id FROM registrations AS r
        JOIN users AS u ON u.id = r.user_id
        WHERE r.seminar_id = ? AND r.status = ? AND u.is_active = 1
        """,
        (seminar_id, audience.value),
    )


class BroadcastRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def count_audience(self, audience: Audience, seminar_id: int | None) -> int:
        query, params = _audience_query(audience, seminar_id)
        row = await self._db.fetch_one(f"SELECT COUNT(*) FROM ({query})", params)
        return int(row[0]) if row else 0

    async def find_by_source(self, source_chat_id: int, source_message_id: int) -> Broadcast | None:
        row = await self._db.fetch_one(
            """
            SELECT * FROM broadcasts
            WHERE source_chat_id = ? AND source_message_id = ? ORDER BY id LIMIT 1
            """,
            (source_chat_id, source_message_id),
        )
        return _broadcast(row) if row else None

    async def create(
        self,
        created_by: int,
        audience: Audience,
        seminar_id: int | None,
        source_chat_id: int,
        source_message_id: int,
        progress_chat_id: int | None,
        progress_message_id: int | None,
        now: datetime,
        body: BroadcastBody | None = None,
    ) -> Broadcast:
        """Insert a running broadcast and freeze its recipients (call inside a transaction)."""
        row = await self._db.fetch_one(
            """
            INSERT INTO broadcasts (created_by, audience, seminar_id, source_chat_id,
                                    source_message_id, status, progress_chat_id,
                                    progress_message_id, created_at, body_kind, body_html)
            VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)
            RETURNING *
            """,
            (
                created_by,
                audience.value,
                seminar_id if audience is not Audience.ALL else None,
                source_chat_id,
                source_message_id,
                progress_chat_id,
                progress_message_id,
                to_db(now),
                body.kind.value if body else None,
                body.html if body else None,
            ),
        )
        assert row is not None
        broadcast = _broadcast(row)
        query, params = _audience_query(audience, seminar_id)
        await self._db.execute(
            f"""
            INSERT INTO broadcast_recipients (broadcast_id, user_id, status, updated_at)
            SELECT ?, user_id, 'pending', ? FROM ({query})
            """,
            (broadcast.id, to_db(now), *params),
        )
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetch_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def unfinished(self) -> list[Broadcast]:
        """Running broadcasts, and stopped ones whose report was never made."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcasts WHERE finished_at IS NULL ORDER BY id"
        )
        return [_broadcast(r) for r in rows]

    async def claim_next(self, broadcast_id: int, now: datetime) -> int | None:
        """Atomically take one pending recipient (pending → sending); None when none is left.

        One statement on the bot's single connection, so two workers never take the same row;
        rowid order follows the (broadcast_id, status) index, so no sort is needed.
        """
        row = await self._db.fetch_one(
            """
            UPDATE broadcast_recipients
            SET status = 'sending', attempts = attempts + 1, updated_at = ?
            WHERE rowid = (
                SELECT rowid FROM broadcast_recipients
                WHERE broadcast_id = ? AND status = 'pending' ORDER BY rowid LIMIT 1
            )
            RETURNING user_id
            """,
            (to_db(now), broadcast_id),
        )
        return int(row["user_id"]) if row else None

    async def record(
        self, broadcast_id: int, user_id: int, outcome: RecipientStatus, now: datetime
    ) -> None:
        """The outcome of a claimed delivery."""
        await self._db.execute(
            """
            UPDATE broadcast_recipients SET status = ?, updated_at = ?
            WHERE broadcast_id = ? AND user_id = ? AND status = 'sending'
            """,
            (outcome.value, to_db(now), broadcast_id, user_id),
        )

    async def stop_pending(self, broadcast_id: int, now: datetime) -> int:
        """Every recipient not yet claimed becomes stopped; returns how many."""
        return await self._db.execute(
            """
            UPDATE broadcast_recipients SET status = 'stopped', updated_at = ?
            WHERE broadcast_id = ? AND status = 'pending'
            """,
            (to_db(now), broadcast_id),
        )

    async def fail_in_flight(self, broadcast_id: int, now: datetime) -> int:
        """Claimed deliveries whose outcome was never recorded count as failed, never resent."""
        return await self._db.execute(
            """
            UPDATE broadcast_recipients SET status = 'failed', updated_at = ?
            WHERE broadcast_id = ? AND status = 'sending'
            """,
            (to_db(now), broadcast_id),
        )

    async def tally(self, broadcast_id: int) -> BroadcastTally:
        rows = await self._db.fetch_all(
            """
            SELECT status, COUNT(*) AS n FROM broadcast_recipients
            WHERE broadcast_id = ? GROUP BY status
            """,
            (broadcast_id,),
        )
        return BroadcastTally(**{row["status"]: row["n"] for row in rows})

    async def set_status(self, broadcast_id: int, status: BroadcastStatus) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET status = ? WHERE id = ? AND status = 'running'",
            (status.value, broadcast_id),
        )

    async def finish(self, broadcast_id: int, now: datetime) -> Broadcast:
        """Mark the job over (done unless it was stopped) and return it."""
        row = await self._db.fetch_one(
            """
            UPDATE broadcasts
            SET status = CASE status WHEN 'running' THEN 'done' ELSE status END,
                finished_at = COALESCE(finished_at, ?)
            WHERE id = ? RETURNING *
            """,
            (to_db(now), broadcast_id),
        )
        assert row is not None
        return _broadcast(row)
