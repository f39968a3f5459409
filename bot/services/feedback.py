"""Feedback after a seminar: the survey, its one reminder, the answers and the results.

FEEDBACK_DELAY after a seminar ends, everyone marked as attended (or every seat holder,
when nobody was marked at all) gets the survey: a rating 1…5, then two optional text
answers. Those who have not rated a day after the survey get one reminder; nobody gets
a second. A rating can be changed for FEEDBACK_WEEK after the survey was due.

Delivery: a periodic sweep (`feedback:sweep`) queues what is due as outbox deliveries
(kinds `survey` and `survey_reminder`, ref the registration), which the outbox sends at
the shared pace, never twice, resuming after a restart (`bot.services.outbox`); the
unique (kind, ref, chat) key makes queueing the same survey again a no-op. Surveys of
seminars whose survey time is older than SURVEY_WINDOW (the bot was not running then)
are not queued at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.i18n import Tr, Translator
from bot.services.jobs import schedule_sweep
from bot.services.outbox import Outbox, Send
from bot.services.recipients import language_of
from bot.settings import Settings
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem, Priority, RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.feedback import (
    REMINDER_KIND,
    SURVEY_KIND,
    FeedbackComment,
    FeedbackField,
    FeedbackTotals,
)

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "feedback:sweep"
SWEEP_INTERVAL = timedelta(seconds=10)
SURVEY_WINDOW = timedelta(days=1)
REMINDER_AFTER = timedelta(days=1)
FEEDBACK_WEEK = timedelta(days=7)
TEXT_LIMIT = 1000
# The longest seminar lasts a day.
_LONGEST_SEMINAR = timedelta(days=1)
_BATCH = 100


class RatingKeyboard(Protocol):
    def __call__(self, tr: Tr, registration_id: int) -> InlineKeyboardMarkup: ...


class RateOutcome(StrEnum):
    FIRST = "first"  # the first rating: the text questions follow
    CHANGED = "changed"
    SAME = "same"  # pressed the rating already stored
    CLOSED = "closed"  # the week is over
    STALE = "stale"  # not the presser's registration (a forwarded survey)
    NOT_FOUND = "not_found"  # no such registration or seminar (forged or long gone)


@dataclass(frozen=True, slots=True)
class RateResult:
    outcome: RateOutcome
    seminar: Seminar | None = None


class TextOutcome(StrEnum):
    SAVED = "saved"
    CLOSED = "closed"
    STALE = "stale"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class TextResult:
    outcome: TextOutcome
    cut: bool = False


@dataclass(frozen=True, slots=True)
class FeedbackResults:
    seminar: Seminar
    totals: FeedbackTotals
    comments: list[FeedbackComment]


def survey_due_at(seminar: Seminar, delay: timedelta) -> datetime:
    return seminar.ends_at + delay


class FeedbackService:
    def __init__(
        self,
        db: Database,
        scheduler: AsyncIOScheduler,
        outbox: Outbox,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._outbox = outbox
        self._settings = settings
        self._clock = clock

    def schedule_sweep(self, interval: timedelta = SWEEP_INTERVAL) -> None:
        schedule_sweep(self._scheduler, self.sweep, SWEEP_JOB_ID, interval, self._clock())

    async def sweep(self) -> int:
        """Queue the surveys and reminders that are due; return how many were queued."""
        now = self._clock()
        delay = self._settings.feedback_delay
        since = now - SURVEY_WINDOW - delay - _LONGEST_SEMINAR
        queued = 0
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            for seminar in await repos.seminars.around(since, now, _BATCH):
                due = survey_due_at(seminar, delay)
                if not now - SURVEY_WINDOW < due <= now:
                    continue
                for recipient in await repos.feedback.survey_recipients(seminar.id):
                    queued += await repos.outbox.enqueue(
                        SURVEY_KIND,
                        str(recipient.registration_id),
                        Priority.BULK,
                        [recipient.user_id],
                        now,
                    )
            reminders = await repos.feedback.reminder_recipients(
                now - REMINDER_AFTER, now - FEEDBACK_WEEK
            )
            for recipient in reminders:
                queued += await repos.outbox.enqueue(
                    REMINDER_KIND,
                    str(recipient.registration_id),
                    Priority.BULK,
                    [recipient.user_id],
                    now,
                )
        if queued:
            log.info("feedback: %d surveys and reminders queued", queued)
            self._outbox.wake()
        return queued

    async def _open_registration(
        self, repos: Repositories, user_id: int, registration_id: int
    ) -> tuple[Seminar | None, TextOutcome]:
        """The presser's registration and seminar, or the outcome that refuses the answer."""
        registration = await repos.registrations.get(registration_id)
        if registration is None:
            return None, TextOutcome.NOT_FOUND
        if (
            registration.user_id != user_id
            or registration.status is not RegistrationStatus.CONFIRMED
        ):
            return None, TextOutcome.STALE
        seminar = await repos.seminars.get(registration.seminar_id)
        if seminar is None:
            return None, TextOutcome.NOT_FOUND
        closes = survey_due_at(seminar, self._settings.feedback_delay) + FEEDBACK_WEEK
        if self._clock() >= closes:
            return seminar, TextOutcome.CLOSED
        return seminar, TextOutcome.SAVED

    async def rate(self, user_id: int, registration_id: int, rating: int) -> RateResult:
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            seminar, opened = await self._open_registration(repos, user_id, registration_id)
            if opened is not TextOutcome.SAVED:
                return RateResult(RateOutcome(opened.value), seminar)
            previous = await repos.feedback.get(registration_id)
            if previous is not None and previous.rating == rating:
                return RateResult(RateOutcome.SAME, seminar)
            await repos.feedback.set_rating(registration_id, rating, self._clock())
        first = previous is None or previous.rating is None
        return RateResult(RateOutcome.FIRST if first else RateOutcome.CHANGED, seminar)

    async def answer(
        self, user_id: int, registration_id: int, field: FeedbackField, text: str | None
    ) -> TextResult:
        """A text answer (cut to TEXT_LIMIT), or None for Skip, which stores nothing."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            _, opened = await self._open_registration(repos, user_id, registration_id)
            if opened is not TextOutcome.SAVED or text is None:
                return TextResult(opened)
            cut = len(text) > TEXT_LIMIT
            await repos.feedback.set_text(registration_id, field, text[:TEXT_LIMIT], self._clock())
        return TextResult(TextOutcome.SAVED, cut=cut)

    async def results(self, seminar_id: int) -> FeedbackResults | None:
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None:
            return None
        answers = await repos.feedback.answers(seminar_id)
        return FeedbackResults(
            seminar=seminar,
            totals=await repos.feedback.totals(seminar_id),
            comments=[answer for answer in answers if answer.useful or answer.next_topic],
        )

    async def surveyed_seminars(self, limit: int) -> list[Seminar]:
        """Ended seminars, latest first, that /feedback offers."""
        repos = Repositories(self._db)
        now = self._clock()
        recent = await repos.seminars.around(now - timedelta(days=90), now, 1000)
        ended = [seminar for seminar in recent if seminar.ends_at <= now]
        return list(reversed(ended))[:limit]


class SurveyDelivery:
    """The outbox kinds `survey` and `survey_reminder`: the rating question, in the
    recipient's language; skipped for a seat given up or a seminar gone meanwhile."""

    def __init__(
        self,
        name: str,
        db: Database,
        bot: Bot,
        translator: Translator,
        keyboard: RatingKeyboard,
    ) -> None:
        self.name = name
        self._db = db
        self._bot = bot
        self._translator = translator
        self._keyboard = keyboard

    async def prepare(self, item: OutboxItem) -> Send | None:
        repos = Repositories(self._db)
        registration = await repos.registrations.get(int(item.ref))
        if registration is None or registration.status is not RegistrationStatus.CONFIRMED:
            return None
        seminar = await repos.seminars.get(registration.seminar_id)
        user = await repos.users.get(item.chat_id)
        if seminar is None or user is None or not user.is_active:
            return None
        tr = self._translator.for_language(language_of(user))
        key = "feedback.survey" if self.name == SURVEY_KIND else "feedback.reminder"
        text = tr(key, title=seminar.title)
        markup = self._keyboard(tr, registration.id)
        return lambda: self._bot.send_message(item.chat_id, text, reply_markup=markup)

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        return None
