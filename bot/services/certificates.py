"""Certificates for a seminar's attendees: who qualifies, issuing, sending, verifying.

Issuing writes one row per qualifying participant (what is printed is kept in the row)
and, in the same transaction, one outbox delivery (kind `certificate`) per row, in a
batch whose report goes to the issuing admin (`bot.services.batches`). The outbox sends
each PDF at the shared pace, never twice, and resumes after a restart; a PDF in flight
when the bot died is `uncertain`, shown in the report with a resend button.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.clock import Clock
from bot.formatting import format_date_with_year, format_decimal
from bot.i18n import Html, Tr, Translator
from bot.services.batches import BatchWatcher
from bot.services.certificate_pdf import CertificateText, render_certificate
from bot.services.deep_links import start_link
from bot.services.outbox import Outbox, Send
from bot.services.recipients import language_of
from bot.settings import Settings
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem, Priority, Seminar
from storage.repositories import Repositories
from storage.repositories.batches import ref
from storage.repositories.certificates import Certificate, CertificateSubject, Qualifier
from storage.repositories.programmes import Programme

log = logging.getLogger(__name__)

VERIFY_PREFIX = "v_"
NUMBER_PREFIX = "SE-"
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NUMBER_LENGTH = 8
CERTIFICATE_KIND = "certificate"


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
    return tr("certificates.hours_fraction", hours=format_decimal(minutes / 60, tr))


def certificate_text(
    tr: Tr,
    *,
    full_name: str,
    title: str,
    programme: bool,
    dates: str,
    minutes: int,
    issuer: str,
    number: str,
    bot_username: str,
) -> CertificateText:
    """What the PDF says, in `tr`'s language; PDF text is plain, so nothing is escaped."""
    link = start_link(bot_username, f"{VERIFY_PREFIX}{number}")
    return CertificateText(
        heading=tr("certificates.pdf.heading"),
        lead=tr("certificates.pdf.lead"),
        full_name=full_name,
        completed=tr(
            "certificates.pdf.completed_programme" if programme else "certificates.pdf.completed"
        ),
        title=tr("certificates.pdf.title", title=Html(title)),
        details=tr("certificates.pdf.details", date=dates, hours=format_hours(minutes, tr)),
        issuer_label=tr("certificates.pdf.issuer"),
        issuer=issuer,
        number_label=tr("certificates.pdf.number"),
        number=number,
        verify_label=tr("certificates.pdf.verify"),
        verify_url=link,
        verify_line=tr(
            "certificates.pdf.verify_line", link=link.removeprefix("https://"), number=number
        ),
    )


class SubjectKind(StrEnum):
    SEMINAR = "s"
    PROGRAMME = "p"


def date_span(starts_at: datetime, ends_at: datetime, tz: tzinfo, tr: Tr) -> str:
    """`25 сентября 2026` or, for a programme, `25 сентября 2026 — 14 ноября 2026`."""
    first = format_date_with_year(starts_at, tz, tr)
    last = format_date_with_year(ends_at, tz, tr)
    return first if first == last else tr("certificates.date_range", first=first, last=last)


@dataclass(frozen=True, slots=True)
class Preview:
    kind: SubjectKind
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
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
        outbox: Outbox,
        batches: BatchWatcher,
        translator: Translator,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._outbox = outbox
        self.batches = batches
        self._translator = translator
        self._settings = settings
        self._clock = clock

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
            ends_at=subject.ends_at,
            qualifiers=qualifiers,
            issued=await repos.certificates.count_issued(subject.seminar_id, subject.programme_id),
        )

    async def issue(
        self,
        kind: SubjectKind,
        subject_id: int,
        admin_id: int,
    ) -> int:
        """Issue to everyone qualifying now and queue their PDFs; how many were issued."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            found = await self._subject(repos, kind, subject_id)
            if found is None:
                return 0
            subject, qualifiers = found
            if not qualifiers:
                return 0
            now = self._clock()
            batch_id = await repos.batches.create(CERTIFICATE_KIND, subject.title, admin_id, now)
            issued = 0
            for qualifier in qualifiers:
                if subject.programme_id is not None:
                    # A programme's hours: the seminars this participant attended.
                    minutes = await repos.certificates.attended_minutes(
                        subject.programme_id, qualifier.user_id
                    )
                    subject = dataclasses.replace(subject, minutes=minutes)
                certificate_id = await repos.certificates.insert(
                    new_number(), subject, qualifier, admin_id, now
                )
                if certificate_id is None:
                    continue
                issued += 1
                await repos.outbox.enqueue(
                    CERTIFICATE_KIND,
                    ref(batch_id, certificate_id),
                    Priority.BULK,
                    [qualifier.user_id],
                    now,
                    {"certificate_id": certificate_id},
                )
        log.info("certificates: %d issued for %s %s by %s", issued, kind, subject_id, admin_id)
        self.batches.watch(batch_id)
        self._outbox.wake()
        return issued

    async def document(self, certificate: Certificate, tr: Tr) -> BufferedInputFile:
        """The PDF, in the holder's language."""
        me = await self._bot.me()
        text = certificate_text(
            tr,
            full_name=certificate.full_name or "",
            title=certificate.title,
            programme=certificate.programme_id is not None,
            dates=self.dates(certificate, tr),
            minutes=certificate.minutes,
            issuer=self._settings.issuer_in(tr.lang),
            number=certificate.number,
            bot_username=me.username or "",
        )
        content = await asyncio.to_thread(render_certificate, text)
        return BufferedInputFile(
            content, filename=tr("certificates.file_name", number=certificate.number)
        )

    def dates(self, certificate: Certificate, tr: Tr) -> str:
        return date_span(certificate.starts_at, certificate.ends_at, self._settings.timezone, tr)

    async def mine(self, user_id: int) -> list[Certificate]:
        return await Repositories(self._db).certificates.for_user(user_id)

    async def verify(self, payload: str) -> Verification:
        number = number_from(payload)
        if number is None:
            return Verification(None)
        return Verification(await Repositories(self._db).certificates.by_number(number))


class CertificateDelivery:
    """The outbox kind: one holder's PDF, rendered in their language when it leaves."""

    name = CERTIFICATE_KIND

    def __init__(
        self, db: Database, bot: Bot, certificates: CertificateService, translator: Translator
    ) -> None:
        self._db = db
        self._bot = bot
        self._certificates = certificates
        self._translator = translator

    async def prepare(self, item: OutboxItem) -> Send | None:
        repos = Repositories(self._db)
        certificate = await repos.certificates.get(int(item.payload["certificate_id"]))
        user = await repos.users.get(item.chat_id)
        if certificate is None or certificate.user_id != item.chat_id or user is None:
            return None  # forgotten meanwhile (/forget_me)
        if not user.is_active:
            return None
        tr = self._translator.for_language(language_of(user))
        document = await self._certificates.document(certificate, tr)
        caption = tr("certificates.caption", title=certificate.title)
        return lambda: self._bot.send_document(item.chat_id, document, caption=caption)

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        self._certificates.batches.poke()
