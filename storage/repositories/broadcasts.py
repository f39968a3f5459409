"""Broadcasts: the job (who asked, which message, to whom) and its deliveries in the outbox.

Each recipient is one outbox row of kind `broadcast` whose ref is the broadcast id.
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
    DeliveryStatus,
    Priority,
)
from storage.timecodec import from_db, to_db

BROADCAST_KIND = "broadcast"


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
            "SELECT id AS user_id FROM users WHERE is_active = 1 AND forgotten_at IS NULL"
            " AND private_chat_at IS NOT NULL",
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
            INSERT INTO outbox (kind, ref, chat_id, priority, due_at, created_at, updated_at)
            SELECT ?, ?, user_id, ?, ?, ?, ? FROM ({query}) WHERE true
            ON CONFLICT (kind, ref, chat_id) DO NOTHING
            """,
            (
                BROADCAST_KIND,
                str(broadcast.id),
                int(Priority.BULK),
                to_db(now),
                to_db(now),
                to_db(now),
                *params,
            ),
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

    async def tally(self, broadcast_id: int) -> BroadcastTally:
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = ? AND ref = ? GROUP BY status",
            (BROADCAST_KIND, str(broadcast_id)),
        )
        counts = {DeliveryStatus(row["status"]).value: int(row["n"]) for row in rows}
        return BroadcastTally(**counts)

    async def reopen(self, broadcast_id: int) -> None:
        """A finished broadcast runs again (to resend to its uncertain recipients)."""
        await self._db.execute(
            "UPDATE broadcasts SET status = 'running', finished_at = NULL WHERE id = ?",
            (broadcast_id,),
        )

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
