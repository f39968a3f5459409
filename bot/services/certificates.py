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
import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.background import BackgroundTasks
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
from storage.repositories.certificates import Certificate, CertificateSubject, Qualifier
from storage.repositories.claims import ClaimStatus
from storage.repositories.programmes import Programme

log = logging.getLogger(__name__)

VERIFY_PREFIX = "v_"
NUMBER_PREFIX = "SE-"
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NUMBER_LENGTH = 8
_BATCH = 50
_STATUS = {
    Delivery.SENT: ClaimStatus.SENT,
    Delivery.BLOCKED: ClaimStatus.SKIPPED,
    Delivery.FAILED: ClaimStatus.FAILED,
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


class SubjectKind(StrEnum):
    SEMINAR = "s"
    PROGRAMME = "p"


@dataclass(frozen=True, slots=True)
class Preview:
    kind: SubjectKind
    id: int
    title: str
    starts_at: datetime
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
        background: BackgroundTasks,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._sender = sender
        self._translator = translator
        self._settings = settings
        self._background = background
        self._clock = clock
        self._sending = asyncio.Lock()

    async def ended_seminars(self, limit: int) -> list[Seminar]:
        """Seminars that have ended, latest first."""
        now = self._clock()
        recent = await Repositories(self._db).seminars.around(now - timedelta(days=365), now, 1000)
        return [seminar for seminar in reversed(recent) if seminar.ends_at <= now][:limit]

    async def programmes(self) -> list[Programme]:
        return await Repositories(self._db).programmes.all()

    async def _subject(
        self, repos: Repositories, kind: SubjectKind, subject_id: int
    ) -> tuple[CertificateSubject, list[Qualifier]] | None:
        """What would be printed, and who qualifies now; None when nothing can be issued."""
        now = self._clock()
        if kind is SubjectKind.SEMINAR:
            seminar = await repos.seminars.get(subject_id)
            if seminar is None or seminar.is_cancelled or seminar.ends_at > now:
                return None
            subject = CertificateSubject(
                seminar.id,
                None,
                seminar.title,
                seminar.starts_at,
                seminar.starts_at,
                seminar.duration_minutes,
            )
            return subject, await repos.certificates.qualifiers(seminar.id)
        programme = await repos.programmes.get(subject_id)
        if programme is None:
            return None
        held = [s for s in await repos.seminars.in_programme(programme.id) if s.ends_at <= now]
        if not held:
            return None
        subject = CertificateSubject(
            None,
            programme.id,
            programme.title,
            held[0].starts_at,
            held[-1].starts_at,
            sum(s.duration_minutes for s in held),
        )
        qualifiers = await repos.certificates.programme_qualifiers(programme.id, programme.required)
        return subject, qualifiers

    async def preview(self, kind: SubjectKind, subject_id: int) -> Preview | None:
        repos = Repositories(self._db)
        found = await self._subject(repos, kind, subject_id)
        if found is None:
            return None
        subject, qualifiers = found
        return Preview(
            kind=kind,
            id=subject_id,
            title=subject.title,
            starts_at=subject.starts_at,
            qualifiers=qualifiers,
            issued=await repos.certificates.count_issued(subject.seminar_id, subject.programme_id),
        )

    async def issue(self, kind: SubjectKind, subject_id: int, admin_id: int) -> int:
        """Issue to everyone qualifying now; return how many new certificates there are."""
        issued = 0
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            found = await self._subject(repos, kind, subject_id)
            if found is None:
                return 0
            subject, qualifiers = found
            for qualifier in qualifiers:
                if subject.programme_id is not None:
                    # A programme's hours: the seminars this participant attended.
                    minutes = await repos.certificates.attended_minutes(
                        subject.programme_id, qualifier.user_id
                    )
                    subject = dataclasses.replace(subject, minutes=minutes)
                if await repos.certificates.insert(
                    new_number(), subject, qualifier, admin_id, self._clock()
                ):
                    issued += 1
        log.info("certificates: %d issued for %s %s by %s", issued, kind, subject_id, admin_id)
        self.resume()
        return issued

    def resume(self) -> None:
        """Send what is pending, in the background (after issuing, and at start-up)."""
        self._background.spawn(self.deliver_pending(), name="certificates")

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
            await repos.certificates.finish(certificate.id, ClaimStatus.SKIPPED, self._clock())
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
            completed=tr(
                "certificates.pdf.completed"
                if certificate.programme_id is None
                else "certificates.pdf.completed_programme"
            ),
            title=tr("certificates.pdf.title", title=Html(certificate.title)),
            details=tr(
                "certificates.pdf.details",
                date=self.dates(certificate, tr),
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

    def dates(self, certificate: Certificate, tr: Tr) -> str:
        """`25 сентября 2026` or, for a programme, `25 сентября 2026 — 14 ноября 2026`."""
        tz = self._settings.timezone
        first = format_date_with_year(certificate.starts_at, tz, tr)
        last = format_date_with_year(certificate.ends_at, tz, tr)
        return first if first == last else tr("certificates.date_range", first=first, last=last)

    async def mine(self, user_id: int) -> list[Certificate]:
        return await Repositories(self._db).certificates.for_user(user_id)

    async def verify(self, payload: str) -> Verification:
        number = number_from(payload)
        if number is None:
            return Verification(None)
        return Verification(await Repositories(self._db).certificates.by_number(number))
