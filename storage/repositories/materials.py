"""Seminar materials: the stored messages and who may receive them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Executor
from storage.timecodec import to_db


class MaterialAudience(StrEnum):
    ATTENDEES = "attendees"
    REGISTERED = "registered"


@dataclass(frozen=True, slots=True)
class MaterialMessage:
    from_chat_id: int
    message_id: int


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


# Materials queued for a person: the outbox rows of kind `materials` (refs
# `<batch id>:<material id>`) name each recipient of each sending, whatever its audience.
_RECEIVED = """
    FROM materials AS m
    WHERE EXISTS (
        SELECT 1 FROM outbox AS o
        WHERE o.kind = 'materials' AND o.chat_id = ?
          AND substr(o.ref, instr(o.ref, ':') + 1) = CAST(m.id AS TEXT)
    )
"""


class MaterialRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(
        self, seminar_id: int, messages: Sequence[MaterialMessage], now: datetime
    ) -> list[tuple[int, MaterialMessage]]:
        """Store the messages in order; each with its new id."""
        stored = []
        for message in messages:
            material_id = await self._db.execute(
                """
                INSERT INTO materials (seminar_id, from_chat_id, message_id, created_at)
                VALUES (?, ?, ?, ?)
                """,
                (seminar_id, message.from_chat_id, message.message_id, to_db(now)),
            )
            stored.append((material_id, message))
        return stored

    async def received(self, seminar_id: int, user_id: int) -> list[MaterialMessage]:
        """The seminar's messages whose sending had this person in its audience."""
        rows = await self._db.fetch_all(
            f"SELECT m.from_chat_id, m.message_id {_RECEIVED} AND m.seminar_id = ? ORDER BY m.id",
            (user_id, seminar_id),
        )
        return [MaterialMessage(row["from_chat_id"], row["message_id"]) for row in rows]

    async def seminars_received(self, user_id: int, seminar_ids: Sequence[int]) -> set[int]:
        """Those of the seminars whose materials were sent to this person's audience."""
        if not seminar_ids:
            return set()
        marks = ",".join("?" * len(seminar_ids))
        rows = await self._db.fetch_all(
            f"SELECT DISTINCT m.seminar_id {_RECEIVED} AND m.seminar_id IN ({marks})",
            (user_id, *seminar_ids),
        )
        return {row["seminar_id"] for row in rows}

    async def audience(self, seminar_id: int, audience: MaterialAudience) -> list[int]:
        rows = await self._db.fetch_all(_AUDIENCE_SQL[audience] + " ORDER BY 1", (seminar_id,))
        return [row["user_id"] for row in rows]
