"""Reminder deliveries and organisers' summaries: who is due a reminder, and claims on sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Executor
from storage.timecodec import to_db


class DeliveryStatus(StrEnum):
    CLAIMED = "claimed"  # about to be sent; stays so if the process dies before `finish`
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the user is unreachable (blocked the bot, chat gone)


@dataclass(frozen=True, slots=True)
class ReminderRecipient:
    registration_id: int
    user_id: int
    language: str | None
    language_code: str | None
    is_active: bool


class ReminderRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def due_recipients(
        self, seminar_id: int, offset_seconds: int, due_at: datetime
    ) -> list[ReminderRecipient]:
        """Confirmed registrants of a published seminar who still lack this offset's reminder.

        Only those confirmed at or before `due_at` qualify: someone who got a seat after
        the reminder's time gets no late reminder for it.
        """
        rows = await self._db.fetch_all(
            """
            SELECT r.id AS registration_id, r.user_id, u.language, u.language_code,
                   COALESCE(u.is_active, 0) AS is_active
            FROM registrations AS r
            JOIN seminars AS s ON s.id = r.seminar_id
            LEFT JOIN users AS u ON u.id = r.user_id
            WHERE r.seminar_id = ?
              AND s.status = 'published'
              AND r.status = 'confirmed'
              AND r.user_id IS NOT NULL
              AND r.status_changed_at <= ?
              AND NOT EXISTS (
                  SELECT 1 FROM reminder_deliveries AS d
                  WHERE d.seminar_id = r.seminar_id
                    AND d.user_id = r.user_id
                    AND d.offset_seconds = ?
              )
            ORDER BY r.id
            """,
            (seminar_id, to_db(due_at), offset_seconds),
        )
        return [
            ReminderRecipient(
                registration_id=row["registration_id"],
                user_id=row["user_id"],
                language=row["language"],
                language_code=row["language_code"],
                is_active=bool(row["is_active"]),
            )
            for row in rows
        ]

    async def claim(
        self,
        seminar_id: int,
        user_id: int,
        offset_seconds: int,
        now: datetime,
        status: DeliveryStatus = DeliveryStatus.CLAIMED,
    ) -> bool:
        """Take the one delivery slot; False when someone (or an earlier run) already has it."""
        row = await self._db.fetch_one(
            """
            INSERT INTO reminder_deliveries (seminar_id, user_id, offset_seconds, status,
                                             claimed_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (seminar_id, user_id, offset_seconds) DO NOTHING
            RETURNING seminar_id
            """,
            (
                seminar_id,
                user_id,
                offset_seconds,
                status.value,
                to_db(now),
                None if status is DeliveryStatus.CLAIMED else to_db(now),
            ),
        )
        return row is not None

    async def finish(
        self,
        seminar_id: int,
        user_id: int,
        offset_seconds: int,
        status: DeliveryStatus,
        now: datetime,
    ) -> None:
        await self._db.execute(
            """
            UPDATE reminder_deliveries SET status = ?, finished_at = ?
            WHERE seminar_id = ? AND user_id = ? AND offset_seconds = ?
            """,
            (status.value, to_db(now), seminar_id, user_id, offset_seconds),
        )

    async def status(
        self, seminar_id: int, user_id: int, offset_seconds: int
    ) -> DeliveryStatus | None:
        row = await self._db.fetch_one(
            """
            SELECT status FROM reminder_deliveries
            WHERE seminar_id = ? AND user_id = ? AND offset_seconds = ?
            """,
            (seminar_id, user_id, offset_seconds),
        )
        return DeliveryStatus(row["status"]) if row else None

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
