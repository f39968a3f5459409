"""Reminders before a seminar: scheduling, delivery at most once, and the attendance buttons.

The database is the source of truth. Scheduler jobs (`reminder:{seminar_id}:{offset}`)
carry only ids and re-read the seminar when they run, so a moved or cancelled seminar
is never reminded with stale data; `restore()` rebuilds the jobs at start-up, and a
periodic sweep (`reminders:sweep`) sends whatever is due but undelivered, whichever code
path created or changed the seminar.

Delivery: when a reminder is due, one outbox row per recipient is queued (kind
`reminder`, ref `seminar_id:offset_seconds`); the unique (kind, ref, chat) key means a
job, the sweep and a restarted process can all queue it and it is still queued once.
The outbox sends it (never twice; see `bot.services.outbox`), re-reading the seminar and
the registration first: a reminder for a seminar cancelled or started meanwhile, or a
seat given up meanwhile, is skipped. A reminder whose request was in flight when the bot
died is `uncertain` and not resent: a lost reminder is mitigated by the next offset's,
a doubled one is the defect users complain about.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr, Translator
from bot.services.jobs import schedule_sweep
from bot.services.outbox import Outbox, Send
from bot.services.recipients import Recipients, language_of
from bot.services.registration import RegistrationService
from bot.services.sender import Sender
from bot.settings import Settings, format_offset
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem, RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.reminders import REMINDER_KIND

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminders:sweep"
SWEEP_INTERVAL = timedelta(seconds=15)
# A job that wakes up earlier than this before its (possibly moved) due time is
# rescheduled instead of sending.
_EARLY_TOLERANCE = timedelta(seconds=1)


class ReminderKeyboard(Protocol):
    def __call__(
        self, tr: Tr, registration_id: int, *, join_seminar_id: int | None = None
    ) -> InlineKeyboardMarkup: ...


def job_id(seminar_id: int, offset: timedelta) -> str:
    return f"reminder:{seminar_id}:{format_offset(offset)}"


def render_reminder(tr: Tr, seminar: Seminar, settings: Settings) -> Html:
    return tr(
        "reminders.text",
        title=seminar.title,
        when=format_datetime(seminar.starts_at, settings.timezone, tr),
        zone=zone_phrase(settings.timezone, tr, seminar.starts_at),
        place=seminar.place,
    )


class AnswerOutcome(StrEnum):
    ATTENDING = "attending"
    CANCELLED = "cancelled"
    STALE = "stale"  # not the presser's registration, or no longer a confirmed seat


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    seminar: Seminar | None = None
    registration_id: int | None = None


class ReminderDelivery:
    """The outbox kind: one reminder, rendered in the recipient's language when it leaves."""

    name = REMINDER_KIND

    def __init__(
        self,
        db: Database,
        bot: Bot,
        translator: Translator,
        settings: Settings,
        keyboard: ReminderKeyboard,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._translator = translator
        self._settings = settings
        self._keyboard = keyboard
        self._clock = clock

    async def prepare(self, item: OutboxItem) -> Send | None:
        repos = Repositories(self._db)
        seminar_id, offset_seconds = (int(part) for part in item.ref.split(":"))
        seminar = await repos.seminars.get(seminar_id)
        registration = await repos.registrations.get(int(item.payload["registration_id"]))
        if (
            seminar is None
            or seminar.is_cancelled
            or seminar.starts_at <= self._clock()
            or registration is None
            or registration.status is not RegistrationStatus.CONFIRMED
        ):
            return None
        tr = self._translator.for_language(language_of(await repos.users.get(item.chat_id)))
        text = render_reminder(tr, seminar, self._settings)
        # The last reminder of an online or hybrid seminar carries Join.
        last = offset_seconds == min(
            int(o.total_seconds()) for o in self._settings.reminder_offsets
        )
        joinable = last and seminar.format.has_meeting_link and bool(seminar.meeting_link)
        markup = self._keyboard(
            tr, registration.id, join_seminar_id=seminar.id if joinable else None
        )
        return lambda: self._bot.send_message(item.chat_id, text, reply_markup=markup)

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        return None


class ReminderService:
    def __init__(
        self,
        db: Database,
        scheduler: AsyncIOScheduler,
        sender: Sender,
        outbox: Outbox,
        recipients: Recipients,
        settings: Settings,
        registration: RegistrationService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._sender = sender
        self._outbox = outbox
        self._recipients = recipients
        self._settings = settings
        self._registration = registration
        self._clock = clock

    @property
    def offsets(self) -> tuple[timedelta, ...]:
        return self._settings.reminder_offsets

    async def schedule_seminar(self, seminar: Seminar) -> None:
        """Add or move the seminar's jobs; a reminder already due runs now (late delivery)."""
        now = self._clock()
        if seminar.is_cancelled or seminar.starts_at <= now:
            await self.drop_seminar(seminar.id)
            return
        for offset in self.offsets:
            self._add_job(seminar.id, offset, max(seminar.starts_at - offset, now))

    async def drop_seminar(self, seminar_id: int) -> None:
        for offset in self.offsets:
            try:
                self._scheduler.remove_job(job_id(seminar_id, offset))
            except JobLookupError:
                continue

    async def restore(self) -> None:
        """Rebuild every upcoming seminar's jobs from the database (at start-up)."""
        seminars = await Repositories(self._db).seminars.upcoming(self._clock())
        for seminar in seminars:
            await self.schedule_seminar(seminar)
        log.info("reminder jobs restored for %d upcoming seminars", len(seminars))

    def schedule_sweep(self, interval: timedelta = SWEEP_INTERVAL) -> None:
        schedule_sweep(self._scheduler, self.sweep, SWEEP_JOB_ID, interval)

    def _add_job(self, seminar_id: int, offset: timedelta, run_at: datetime) -> None:
        self._scheduler.add_job(
            self.run_reminder,
            trigger=DateTrigger(run_date=run_at),
            args=(seminar_id, int(offset.total_seconds())),
            id=job_id(seminar_id, offset),
            replace_existing=True,
            # A job that fires late (busy loop, clock jump) must still run, never be skipped.
            misfire_grace_time=None,
        )

    async def run_reminder(self, seminar_id: int, offset_seconds: int) -> None:
        """The job: re-read the seminar; send if the reminder is due, move the job if not."""
        seminar = await Repositories(self._db).seminars.get(seminar_id)
        now = self._clock()
        if seminar is None or seminar.is_cancelled or seminar.starts_at <= now:
            return
        offset = timedelta(seconds=offset_seconds)
        due_at = seminar.starts_at - offset
        if due_at - now > _EARLY_TOLERANCE:
            self._add_job(seminar_id, offset, due_at)
            return
        await self.deliver(seminar, offset)

    async def sweep(self) -> None:
        """Send whatever is due and undelivered; keep jobs in step with the database."""
        now = self._clock()
        for seminar in await Repositories(self._db).seminars.upcoming(now):
            for offset in self.offsets:
                due_at = seminar.starts_at - offset
                if due_at <= now:
                    await self.deliver(seminar, offset)
                    continue
                job = self._scheduler.get_job(job_id(seminar.id, offset))
                # Only a missing or stale job is replaced: APScheduler logs every add.
                if job is None or job.trigger.run_date != due_at:
                    self._add_job(seminar.id, offset, due_at)

    async def deliver(self, seminar: Seminar, offset: timedelta) -> int:
        """Queue this offset's reminder for everyone due it; return how many were queued."""
        repos = Repositories(self._db)
        offset_seconds = int(offset.total_seconds())
        queued = await repos.reminders.enqueue_due(
            seminar.id, offset_seconds, seminar.starts_at - offset, self._clock()
        )
        if queued:
            # The organisers' summary goes with the first reminder that reaches someone.
            await self._send_summary(seminar)
            self._outbox.wake()
            log.info(
                "seminar %s: %d reminders queued for offset %ss", seminar.id, queued, offset_seconds
            )
        return queued

    async def _send_summary(self, seminar: Seminar) -> None:
        """Organisers hear once per seminar, with the first reminder that has someone to reach."""
        repos = Repositories(self._db)
        if not await repos.reminders.claim_summary(seminar.id, self._clock()):
            return
        counts = await repos.registrations.counts(seminar.id)
        for chat_id, tr in await self._recipients.staff():
            text = tr(
                "reminders.summary",
                title=seminar.title,
                when=format_datetime(seminar.starts_at, self._settings.timezone, tr),
                confirmed=counts.confirmed,
                waitlist=counts.waitlist,
                attending=counts.attending,
            )
            await self._sender.send_message(chat_id, text)

    async def answer(self, user_id: int, registration_id: int, attending: bool) -> AnswerResult:
        """A reminder button: "I'll come" records it; "Can't come" cancels and frees the seat."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            registration = await repos.registrations.get(registration_id)
            if (
                registration is None
                or registration.user_id != user_id
                or registration.status is not RegistrationStatus.CONFIRMED
            ):
                return AnswerResult(AnswerOutcome.STALE)
            seminar = await repos.seminars.get(registration.seminar_id)
            if seminar is None or seminar.is_cancelled:
                return AnswerResult(AnswerOutcome.STALE)
            await repos.registrations.set_attendance(registration.id, "yes" if attending else "no")
            if attending:
                return AnswerResult(AnswerOutcome.ATTENDING, seminar, registration.id)
            result = await self._registration.cancel_in(tx, user_id, seminar.id)
        await self._registration.notify_promotions(result.promotions)
        return AnswerResult(AnswerOutcome.CANCELLED, seminar, registration.id)
