"""Seminar materials: collected from the organiser, sent to an audience, sent again from /my.

The organiser's messages are stored as references and copied (copyMessage), so text,
files, photos and links arrive as they were sent. A sending writes one delivery row
per recipient in the same transaction as the materials; `deliver_pending` claims each
row (pending → claimed) right before that recipient's copies leave, so nobody gets them
twice, and what is still pending after a restart is sent at start-up. When a sending
has nothing pending left, its admin gets a report once. Sends are paced by the shared
pacer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot

from bot.background import BackgroundTasks
from bot.clock import Clock
from bot.i18n import Translator, pick_language
from bot.services.sender import Delivery, Sender
from storage.database import Database
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.claims import ClaimStatus
from storage.repositories.materials import (
    MaterialAudience,
    MaterialDelivery,
    MaterialMessage,
    SendReport,
)

log = logging.getLogger(__name__)

# Message kinds that can be copied to participants as materials.
SUPPORTED_KINDS = frozenset({"text", "document", "photo", "video", "audio", "animation"})
MAX_MESSAGES = 20
RECENT = timedelta(days=365)
_BATCH = 100


@dataclass(frozen=True, slots=True)
class MaterialsPreview:
    seminar: Seminar
    audience: MaterialAudience
    recipients: int


class MaterialService:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        sender: Sender,
        translator: Translator,
        background: BackgroundTasks,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._sender = sender
        self._translator = translator
        self._background = background
        self._clock = clock
        self._sending = asyncio.Lock()

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
            await repos.materials.add(seminar_id, messages, now)
            recipients = await repos.materials.audience(seminar_id, audience)
            await repos.materials.create_send(seminar_id, audience, admin_id, recipients, now)
        log.info("materials: seminar %s queued for %d recipients", seminar_id, len(recipients))
        self.resume()
        return len(recipients)

    def resume(self) -> None:
        """Send what is pending, in the background (after queueing, and at start-up)."""
        self._background.spawn(self.deliver_pending(), name="materials")

    async def deliver_pending(self) -> int:
        sent = 0
        async with self._sending:
            repos = Repositories(self._db)
            while batch := await repos.materials.pending(_BATCH):
                for delivery in batch:
                    if await self._deliver(repos, delivery):
                        sent += 1
            async with self._db.transaction() as tx:
                reports = await Repositories(tx).materials.claim_reports(self._clock())
            for report in reports:
                await self._report(repos, report)
        return sent

    async def _deliver(self, repos: Repositories, delivery: MaterialDelivery) -> bool:
        messages = await repos.materials.messages(delivery.seminar_id)
        if not await repos.materials.claim(delivery.send_id, delivery.user_id):
            return False
        outcome = await self.copy(delivery.user_id, messages)
        status = {
            Delivery.SENT: ClaimStatus.SENT,
            Delivery.BLOCKED: ClaimStatus.SKIPPED,
            Delivery.FAILED: ClaimStatus.FAILED,
        }[outcome]
        await repos.materials.finish(delivery.send_id, delivery.user_id, status, self._clock())
        return outcome is Delivery.SENT

    async def copy(self, chat_id: int, messages: Sequence[MaterialMessage]) -> Delivery:
        """Copy every message; the first that fails decides the outcome."""
        for message in messages:
            outcome = await self._sender.copy_message(
                chat_id, message.from_chat_id, message.message_id
            )
            if outcome is not Delivery.SENT:
                return outcome
        return Delivery.SENT

    async def _report(self, repos: Repositories, report: SendReport) -> None:
        admin = await repos.users.get(report.admin_id)
        lang = pick_language(admin.language, admin.language_code) if admin else "ru"
        tr = self._translator.for_language(lang)
        seminar = await repos.seminars.get(report.seminar_id)
        await self._sender.send_message(
            report.admin_id,
            tr(
                "materials.report",
                title=seminar.title if seminar else "",
                sent=report.sent,
                not_sent=report.not_sent,
            ),
        )

    async def again(self, user_id: int, seminar_id: int) -> Delivery | None:
        """/my: a participant with a seat gets the materials again; None when there are none."""
        repos = Repositories(self._db)
        registration = await repos.registrations.live(seminar_id, user_id)
        if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
            return None
        messages = await repos.materials.messages(seminar_id)
        if not messages:
            return None
        return await self.copy(user_id, messages)
