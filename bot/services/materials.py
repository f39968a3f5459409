"""Seminar materials: collected from the organiser, sent to an audience, sent again from /my.

The organiser's messages are stored as references and copied (copyMessage), so text,
files, photos and links arrive as they were sent. A sending is a batch of outbox
deliveries (kind `materials`, one per message and recipient), queued in the transaction
that stores the materials: the outbox sends them at the shared pace, never twice, and
resumes after a restart; the admin gets one report when the batch is done
(`bot.services.batches`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot

from bot.clock import Clock
from bot.services.batches import BatchWatcher
from bot.services.outbox import Outbox, Send
from bot.services.sender import Delivery, Sender
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem, Priority, Seminar
from storage.repositories import Repositories
from storage.repositories.batches import ref
from storage.repositories.materials import MaterialAudience, MaterialMessage

log = logging.getLogger(__name__)

# Message kinds that can be copied to participants as materials.
SUPPORTED_KINDS = frozenset({"text", "document", "photo", "video", "audio", "animation"})
MAX_MESSAGES = 20
RECENT = timedelta(days=365)
MATERIALS_KIND = "materials"


@dataclass(frozen=True, slots=True)
class MaterialsPreview:
    seminar: Seminar
    audience: MaterialAudience
    recipients: int


class MaterialService:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        outbox: Outbox,
        batches: BatchWatcher,
        clock: Clock,
    ) -> None:
        self._db = db
        self._sender = sender
        self._outbox = outbox
        self.batches = batches
        self._clock = clock

    async def ended_seminars(self, limit: int) -> list[Seminar]:
        now = self._clock()
        seminars = await Repositories(self._db).seminars.around(now - RECENT, now, 1000)
        return [s for s in reversed(seminars) if s.ends_at <= now][:limit]

    async def preview(self, seminar_id: int, audience: MaterialAudience) -> MaterialsPreview | None:
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None or seminar.is_cancelled:
            return None
        recipients = await repos.materials.audience(seminar_id, audience)
        return MaterialsPreview(seminar, audience, len(recipients))

    async def send(
        self,
        seminar_id: int,
        audience: MaterialAudience,
        messages: Sequence[MaterialMessage],
        admin_id: int,
    ) -> int | None:
        """Store the materials and queue them for the audience; the number queued."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            seminar = await repos.seminars.get(seminar_id)
            if seminar is None or seminar.is_cancelled or not messages:
                return None
            now = self._clock()
            stored = await repos.materials.add(seminar_id, messages, now)
            recipients = await repos.materials.audience(seminar_id, audience)
            batch_id = await repos.batches.create(MATERIALS_KIND, seminar.title, admin_id, now)
            for material_id, message in stored:
                await repos.outbox.enqueue(
                    MATERIALS_KIND,
                    ref(batch_id, material_id),
                    Priority.BULK,
                    recipients,
                    now,
                    {"from_chat_id": message.from_chat_id, "message_id": message.message_id},
                )
        log.info("materials: seminar %s queued for %d recipients", seminar_id, len(recipients))
        self.batches.watch(batch_id)
        self._outbox.wake()
        return len(recipients)

    async def copy(self, chat_id: int, messages: Sequence[MaterialMessage]) -> Delivery:
        """Copy every message; the first that fails decides the outcome."""
        for message in messages:
            outcome = await self._sender.copy_message(
                chat_id, message.from_chat_id, message.message_id
            )
            if outcome is not Delivery.SENT:
                return outcome
        return Delivery.SENT

    async def again(self, user_id: int, seminar_id: int) -> Delivery | None:
        """/my: a participant who was in a sending's audience gets those materials again;
        None for anyone else (an attendees-only sending is not for a no-show)."""
        messages = await Repositories(self._db).materials.received(seminar_id, user_id)
        if not messages:
            return None
        return await self.copy(user_id, messages)


class MaterialDelivery:
    """The outbox kind: one of the organiser's messages, copied to one recipient."""

    name = MATERIALS_KIND

    def __init__(self, db: Database, bot: Bot, batches: BatchWatcher) -> None:
        self._db = db
        self._bot = bot
        self._batches = batches

    async def prepare(self, item: OutboxItem) -> Send | None:
        user = await Repositories(self._db).users.get(item.chat_id)
        if user is None or not user.is_active:
            return None
        from_chat_id = int(item.payload["from_chat_id"])
        message_id = int(item.payload["message_id"])
        return lambda: self._bot.copy_message(
            chat_id=item.chat_id, from_chat_id=from_chat_id, message_id=message_id
        )

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        self._batches.poke()
