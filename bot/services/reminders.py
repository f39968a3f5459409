"""Reminders before a seminar: scheduling, delivery at most once, and the attendance buttons.

The database is the source of truth. Scheduler jobs (`reminder:{seminar_id}:{offset}`)
carry only ids and re-read the seminar when they run, so a moved or cancelled seminar
is never reminded with stale data; `restore()` rebuilds the jobs at start-up, and a
periodic sweep (`reminders:sweep`) sends whatever is due but undelivered, whichever code
path created or changed the seminar.

Delivery guarantee: **at most once** per (seminar, user, offset). Before a reminder is
sent, its row in `reminder_deliveries` is inserted with status `claimed` (the primary
key makes the insert fail for anyone who comes second, whether a job, the sweep or a
restarted process); it is marked `sent` after Telegram accepts the message. If the
process dies between the claim and the send, that row stays `claimed` and the reminder
is not retried: one reminder can be lost, none can be doubled. We chose this over
at-least-once because a lost reminder is mitigated by the next offset's reminder,
while a doubled one is exactly the defect users complain about, and Telegram offers
no idempotency key that would make a resend after an unknown outcome safe. Claims are
taken one recipient at a time, right before that recipient's send, so a crash loses
at most the one message in flight. (A killed process keeps every commit; only a power
loss can undo the last commits under `synchronous = NORMAL`.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from aiogram.types import InlineKeyboardMarkup
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr, Translator, pick_language
from bot.services.recipients import Recipients
from bot.services.registration import RegistrationService
from bot.services.sender import Delivery, Sender
from bot.settings import Settings, format_offset
from storage.database import Database
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.reminders import DeliveryStatus, ReminderRecipient

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


class ReminderService:
    def __init__(
        self,
        db: Database,
        scheduler: AsyncIOScheduler,
        sender: Sender,
        translator: Translator,
        recipients: Recipients,
        settings: Settings,
        registration: RegistrationService,
        keyboard: ReminderKeyboard,
        clock: Clock,
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._sender = sender
        self._translator = translator
        self._recipients = recipients
        self._settings = settings
        self._registration = registration
        self._keyboard = keyboard
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
        self._scheduler.add_job(
            self.sweep,
            trigger=IntervalTrigger(seconds=interval.total_seconds()),
            id=SWEEP_JOB_ID,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

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
        """Send this offset's reminder to everyone due it; return how many were sent."""
        repos = Repositories(self._db)
        offset_seconds = int(offset.total_seconds())
        recipients = await repos.reminders.due_recipients(
            seminar.id, offset_seconds, seminar.starts_at - offset
        )
        if any(recipient.is_active for recipient in recipients):
            # Before the reminders, so a crash in the middle of a long list cannot lose it.
            await self._send_summary(seminar)
        sent = 0
        for recipient in recipients:
            if await self._deliver_one(repos, seminar, offset_seconds, recipient):
                sent += 1
        if sent:
            log.info(
                "seminar %s: %d reminders sent for offset %ss", seminar.id, sent, offset_seconds
            )
        return sent

    async def _deliver_one(
        self,
        repos: Repositories,
        seminar: Seminar,
        offset_seconds: int,
        recipient: ReminderRecipient,
    ) -> bool:
        if not recipient.is_active:
            await repos.reminders.claim(
                seminar.id, recipient.user_id, offset_seconds, self._clock(), DeliveryStatus.SKIPPED
            )
            return False
        if not await repos.reminders.claim(
            seminar.id, recipient.user_id, offset_seconds, self._clock()
        ):
            return False
        tr = self._translator.for_language(
            pick_language(recipient.language, recipient.language_code)
        )
        # The last reminder of an online or hybrid seminar carries Join.
        last = offset_seconds == min(int(o.total_seconds()) for o in self.offsets)
        joinable = last and seminar.format.has_meeting_link and bool(seminar.meeting_link)
        delivery = await self._sender.send_message(
            recipient.user_id,
            render_reminder(tr, seminar, self._settings),
            reply_markup=self._keyboard(
                tr, recipient.registration_id, join_seminar_id=seminar.id if joinable else None
            ),
        )
        status = {
            Delivery.SENT: DeliveryStatus.SENT,
            Delivery.BLOCKED: DeliveryStatus.SKIPPED,
            Delivery.FAILED: DeliveryStatus.FAILED,
        }[delivery]
        await repos.reminders.finish(
            seminar.id, recipient.user_id, offset_seconds, status, self._clock()
        )
        return delivery is Delivery.SENT

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
