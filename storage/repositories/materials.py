"""Seminar materials: the stored messages, sendings to an audience, and each delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Executor
from storage.repositories.claims import ClaimStatus
from storage.timecodec import to_db


class MaterialAudience(StrEnum):
    ATTENDEES = "attendees"
    REGISTERED = "registered"


@dataclass(frozen=True, slots=True)
class MaterialMessage:
    from_chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class MaterialDelivery:
    send_id: int
    seminar_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class SendReport:
    send_id: int
    seminar_id: int
    admin_id: int
    sent: int
    not_sent: int


_AUDIENCE_SQL = {
    MaterialAudience.ATTENDEES: """
        SELECT DISTINCT r.user_id FROM registrations AS r
        JOIN attendance AS a ON a.registration_id = r.id
        JOIN users AS u ON u.id = r.user_id
        WHERE r.seminar_id = ? AND r.user_id IS NOT NULL AND u.is_active = 1
    """,
    MaterialAudience.REGISTERED: """
        SELECT DISTINCT r.user_id FROM registrations AS r
        JOIN users AS u ON u.id = r.user_id
        WHERE r.seminar_id = ? AND r.status = 'confirmed' AND r.user_id IS NOT NULL
          AND u.is_active = 1
    """,
}


class MaterialRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(
        self, seminar_id: int, messages: Sequence[MaterialMessage], now: datetime
    ) -> None:
        await self._db.execute_many(
            """
            INSERT INTO materials (seminar_id, from_chat_id, message_id, created_at)
            VALUES (?, ?, ?, ?)
            """,
            [(seminar_id, m.from_chat_id, m.message_id, to_db(now)) for m in messages],
        )

    async def messages(self, seminar_id: int) -> list[MaterialMessage]:
        rows = await self._db.fetch_all(
            "SELECT from_chat_id, message_id FROM materials WHERE seminar_id = ? ORDER BY id",
            (seminar_id,),
        )
        return [MaterialMessage(row["from_chat_id"], row["message_id"]) for row in rows]

    async def with_materials(self, seminar_ids: Sequence[int]) -> set[int]:
        if not seminar_ids:
            return set()
        marks = ",".join("?" * len(seminar_ids))
        rows = await self._db.fetch_all(
            f"SELECT DISTINCT seminar_id FROM materials WHERE seminar_id IN ({marks})",
            tuple(seminar_ids),
        )
        return {row["seminar_id"] for row in rows}

    async def audience(self, seminar_id: int, audience: MaterialAudience) -> list[int]:
        rows = await self._db.fetch_all(_AUDIENCE_SQL[audience] + " ORDER BY 1", (seminar_id,))
        return [row["user_id"] for row in rows]

    async def create_send(
        self,
        seminar_id: int,
        audience: MaterialAudience,
        admin_id: int,
        user_ids: Sequence[int],
        now: datetime,
    ) -> int:
        send_id = await self._db.execute(
            """
            INSERT INTO material_sends (seminar_id, audience, admin_id, created_at)
            VALUES (?, ?, ?, ?)
            """,
            (seminar_id, audience.value, admin_id, to_db(now)),
        )
        await self._db.execute_many(
            "INSERT INTO material_deliveries (send_id, user_id) VALUES (?, ?)",
            [(send_id, user_id) for user_id in user_ids],
        )
        return send_id

    async def pending(self, limit: int) -> list[MaterialDelivery]:
        rows = await self._db.fetch_all(
            """
            SELECT d.send_id, s.seminar_id, d.user_id
            FROM material_deliveries AS d JOIN material_sends AS s ON s.id = d.send_id
            WHERE d.status = 'pending' ORDER BY d.send_id, d.user_id LIMIT ?
            """,
            (limit,),
        )
        return [MaterialDelivery(row["send_id"], row["seminar_id"], row["user_id"]) for row in rows]

    async def claim(self, send_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            """
            UPDATE material_deliveries SET status = 'claimed'
            WHERE send_id = ? AND user_id = ? AND status = 'pending'
            """,
            (send_id, user_id),
        )
        return changed == 1

    async def finish(self, send_id: int, user_id: int, status: ClaimStatus, now: datetime) -> None:
        await self._db.execute(
            """
            UPDATE material_deliveries SET status = ?, finished_at = ?
            WHERE send_id = ? AND user_id = ?
            """,
            (status.value, to_db(now), send_id, user_id),
        )

    async def claim_reports(self, now: datetime) -> list[SendReport]:
        """Sendings with nothing pending and no report yet, now marked as reported."""
        rows = await self._db.fetch_all(
            """
            UPDATE material_sends SET reported_at = ?
            WHERE reported_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM material_deliveries AS d
                WHERE d.send_id = material_sends.id AND d.status = 'pending'
            )
            RETURNING id, seminar_id, admin_id
            """,
            (to_db(now),),
        )
        reports = []
        for row in rows:
            counts = await self._db.fetch_one(
                """
                SELECT SUM(status = 'sent') AS sent, SUM(status <> 'sent') AS not_sent
                FROM material_deliveries WHERE send_id = ?
                """,
                (row["id"],),
            )
            reports.append(
                SendReport(
                    send_id=row["id"],
                    seminar_id=row["seminar_id"],
                    admin_id=row["admin_id"],
                    sent=int(counts["sent"] or 0) if counts else 0,
                    not_sent=int(counts["not_sent"] or 0) if counts else 0,
                )
            )
        return reports
