"""Certificates for a seminar's attendees: who qualifies, issuing, sending, verifying.

Issuing writes one row per qualifying participant in one transaction (what is printed is
kept in the row). Sending goes through `deliver_pending`: each row is claimed
(pending → claimed) right before its PDF leaves, so none is sent twice, and whatever is
still pending after a restart is sent at start-up. A row left claimed by a killed
process is not resent: the holder can always get it from /my. Sends are paced by the
shared pacer.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.clock import Clock
from bot.formatting import format_date_with_year
from bot.i18n import Html, Tr, Translator, pick_language
from bot.services.certificate_pdf import CertificateText, render_certificate
from bot.services.deep_links import start_link
from bot.services.sender import Delivery, Sender
from bot.settings import Settings
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories
from storage.repositories.certificates import Certificate, Qualifier
from storage.repositories.reminders import DeliveryStatus

log = logging.getLogger(__name__)

VERIFY_PREFIX = "v_"
NUMBER_PREFIX = "SE-"
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NUMBER_LENGTH = 8
_BATCH = 50
_STATUS = {
    Delivery.SENT: DeliveryStatus.SENT,
    Delivery.BLOCKED: DeliveryStatus.SKIPPED,
    Delivery.FAILED: DeliveryStatus.FAILED,
}


def new_number() -> str:
    """`SE-` and 8 characters without look-alikes: 31^8 ≈ 8.5·10^11, not guessable."""
    return NUMBER_PREFIX + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(_NUMBER_LENGTH))


def number_from(payload: str) -> str | None:
    """The number of a `v_…` payload when it has the shape of one, else None."""
    number = payload.removeprefix(VERIFY_PREFIX).upper()
    body = number.removeprefix(NUMBER_PREFIX)
    if not number.startswith(NUMBER_PREFIX) or len(body) != _NUMBER_LENGTH:
        return None
    return number if all(ch in _NUMBER_ALPHABET for ch in body) else None


def initials(full_name: str) -> str:
    """`Иванова Анна Петровна` → `Иванова А. П.`; the surname stays, the rest are initials."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


def format_hours(minutes: int, tr: Tr) -> str:
    """`2 часа`, `1,5 часа`, `1 hour`, `1.5 hours`."""
    if minutes % 60 == 0:
        return tr("certificates.hours", count=minutes // 60)
    hours = f"{minutes / 60:.1f}".replace(".", tr("certificates.decimal_point"))
    return tr("certificates.hours_fraction", hours=hours)


@dataclass(frozen=True, slots=True)
class Preview:
    seminar: Seminar
    qualifiers: list[Qualifier]
    issued: int


@dataclass(frozen=True, slots=True)
class Verification:
    certificate: Certificate | None

    @property
    def holder(self) -> str | None:
        cert = self.certificate
        return initials(cert.full_name) if cert is not None and cert.full_name else None


class CertificateService:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        sender: Sender,
        translator: Translator,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._sender = sender
        self._translator = translator
        self._settings = settings
        self._clock = clock
        self._sending = asyncio.Lock()

    async def ended_seminars(self, limit: int) -> list[Seminar]:
        """Seminars that have ended, latest first."""
        now = self._clock()
        recent = await Repositories(self._db).seminars.around(now - timedelta(days=365), now, 1000)
        return [seminar for seminar in reversed(recent) if seminar.ends_at <= now][:limit]

    async def preview(self, seminar_id: int) -> Preview | None:
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None or seminar.ends_at > self._clock():
            return None
        return Preview(
            seminar=seminar,
            qualifiers=await repos.certificates.qualifiers(seminar_id),
            issued=await repos.certificates.count_for_seminar(seminar_id),
        )

    async def issue(self, seminar_id: int, admin_id: int) -> int:
        """Issue to everyone qualifying now; return how many new certificates there are."""
        issued = 0
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            seminar = await repos.seminars.get(seminar_id)
            if seminar is None or seminar.ends_at > self._clock():
                return 0
            for qualifier in await repos.certificates.qualifiers(seminar_id):
                if await repos.certificates.insert(
                    new_number(),
                    seminar.id,
                    qualifier,
                    seminar.title,
                    seminar.starts_at,
                    seminar.duration_minutes,
                    admin_id,
                    self._clock(),
                ):
                    issued += 1
        log.info("certificates: %d issued for seminar %s by %s", issued, seminar_id, admin_id)
        return issued

    async def deliver_pending(self) -> int:
        """Send every pending certificate once; return how many were sent."""
        sent = 0
        async with self._sending:
            repos = Repositories(self._db)
            while batch := await repos.certificates.pending(_BATCH):
                for certificate in batch:
                    if await self._deliver(repos, certificate):
                        sent += 1
        if sent:
            log.info("certificates: %d sent", sent)
        return sent

    async def _deliver(self, repos: Repositories, certificate: Certificate) -> bool:
        user_id = certificate.user_id
        user = await repos.users.get(user_id) if user_id is not None else None
        if user_id is None or user is None or not user.is_active:
            await repos.certificates.finish(certificate.id, DeliveryStatus.SKIPPED, self._clock())
            return False
        tr = self._translator.for_language(pick_language(user.language, user.language_code))
        # Rendered before the claim, so the claim is followed by nothing but the request.
        document = await self.document(certificate, tr)
        if not await repos.certificates.claim(certificate.id):
            return False
        delivery = await self._sender.deliver(
            user_id,
            lambda: self._bot.send_document(
                user_id, document, caption=tr("certificates.caption", title=certificate.title)
            ),
        )
        await repos.certificates.finish(certificate.id, _STATUS[delivery], self._clock())
        return delivery is Delivery.SENT

    async def document(self, certificate: Certificate, tr: Tr) -> BufferedInputFile:
        """The PDF, in the holder's language; PDF text is plain, so nothing is escaped."""
        me = await self._bot.me()
        text = CertificateText(
            heading=tr("certificates.pdf.heading"),
            lead=tr("certificates.pdf.lead"),
            full_name=certificate.full_name or "",
            completed=tr("certificates.pdf.completed"),
            title=tr("certificates.pdf.title", title=Html(certificate.title)),
            details=tr(
                "certificates.pdf.details",
                date=format_date_with_year(certificate.starts_at, self._settings.timezone, tr),
                hours=format_hours(certificate.minutes, tr),
            ),
            issuer_label=tr("certificates.pdf.issuer"),
            issuer=self._settings.certificate_issuer,
            number_label=tr("certificates.pdf.number"),
            number=certificate.number,
            verify_label=tr("certificates.pdf.verify"),
            verify_url=start_link(me.username or "", f"{VERIFY_PREFIX}{certificate.number}"),
        )
        content = await asyncio.to_thread(render_certificate, text)
        return BufferedInputFile(content, filename=f"certificate-{certificate.number}.pdf")

    async def mine(self, user_id: int) -> list[Certificate]:
        return await Repositories(self._db).certificates.for_user(user_id)

    async def verify(self, payload: str) -> Verification:
        number = number_from(payload)
        if number is None:
            return Verification(None)
        return Verification(await Repositories(self._db).certificates.by_number(number))
