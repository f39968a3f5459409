"""Reminders in the outbox (kind `reminder`, ref `seminar_id:offset_seconds`) and summaries."""

from __future__ import annotations

from datetime import datetime

from storage.database import Executor
from storage.models import Priority
from storage.timecodec import to_db

REMINDER_KIND = "reminder"


def reminder_ref(seminar_id: int, offset_seconds: int) -> str:
    return f"{seminar_id}:{offset_seconds}"


class ReminderRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def enqueue_due(
        self, seminar_id: int, offset_seconds: int, due_at: datetime, now: datetime
    ) -> int:
        """Queue this offset's reminder for every confirmed registrant who lacks it.

        Only those confirmed at or before `due_at` qualify: someone who got a seat after
        the reminder's time gets no late reminder for it. Users who blocked the bot get a
        `skipped` row. Returns how many reminders were queued to be sent.
        """
        rows = await self._db.fetch_all(
            """
            INSERT INTO outbox (kind, ref, chat_id, priority, payload, status, due_at,
                                created_at, updated_at)
            SELECT ?, ?, r.user_id, ?, json_object('registration_id', r.id),
                   CASE WHEN COALESCE(u.is_active, 0) THEN 'pending' ELSE 'skipped' END,
                   ?, ?, ?
            FROM registrations AS r
            JOIN seminars AS s ON s.id = r.seminar_id
            LEFT JOIN users AS u ON u.id = r.user_id
            WHERE r.seminar_id = ?
              AND s.status = 'published'
              AND r.status = 'confirmed'
              AND r.user_id IS NOT NULL
              AND r.status_changed_at <= ?
            ORDER BY r.id
            ON CONFLICT (kind, ref, chat_id) DO NOTHING
            RETURNING status
            """,
            (
                REMINDER_KIND,
                reminder_ref(seminar_id, offset_seconds),
                int(Priority.PERSONAL),
                to_db(now),
                to_db(now),
                to_db(now),
                seminar_id,
                to_db(due_at),
            ),
        )
        return sum(row["status"] == "pending" for row in rows)

    async def claim_summary(self, seminar_id: int, now: datetime) -> bool:
        """One summary per seminar: True only for the caller who should send it."""
        row = await self._db.fetch_one(
            """
            INSERT INTO reminder_summaries (seminar_id, sent_at) VALUES (?, ?)
            ON CONFLICT (seminar_id) DO NOTHING
            RETURNING seminar_id
            """,
            (seminar_id, to_db(now)),
        )
        return row is not None
