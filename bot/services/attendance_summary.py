"""The organisers' summary after a seminar ends: who came, in person and online.

A periodic sweep (`attendance:summaries`) finds seminars that ended within the last day
and claims each one's summary row before sending, so a restart neither loses nor
repeats it; seminars that ended longer ago (before the bot was running) are left alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.formatting import format_datetime
from bot.i18n import Html
from bot.services.jobs import schedule_sweep
from bot.services.recipients import Recipients
from bot.services.sender import Sender
from bot.settings import Settings
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "attendance:summaries"
SWEEP_INTERVAL = timedelta(seconds=20)
SUMMARY_WINDOW = timedelta(days=1)
# The longest seminar lasts a day: anything that started earlier than this has ended.
_LOOKBACK = SUMMARY_WINDOW + timedelta(days=1)
_BATCH = 100


class AttendanceSummaries:
    def __init__(
        self,
        db: Database,
        scheduler: AsyncIOScheduler,
        sender: Sender,
        recipients: Recipients,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._sender = sender
        self._recipients = recipients
        self._settings = settings
        self._clock = clock

    def schedule_sweep(self, interval: timedelta = SWEEP_INTERVAL) -> None:
        """The first sweep runs at once: a seminar that ended while the bot was down."""
        schedule_sweep(self._scheduler, self.sweep, SWEEP_JOB_ID, interval, self._clock())

    async def sweep(self) -> int:
        """Send the summary of every seminar that ended recently and has none; return how many."""
        now = self._clock()
        repos = Repositories(self._db)
        recent = await repos.seminars.around(now - _LOOKBACK, now, _BATCH)
        sent = 0
        for seminar in recent:
            ended_recently = now - SUMMARY_WINDOW < seminar.ends_at <= now
            if ended_recently and await repos.attendance.claim_summary(seminar.id, now):
                await self._send(repos, seminar)
                sent += 1
        return sent

    async def _send(self, repos: Repositories, seminar: Seminar) -> None:
        counts = await repos.attendance.counts(seminar.id)
        log.info(
            "attendance summary seminar=%s seats=%d attended=%d",
            seminar.id,
            counts.seats,
            counts.attended,
        )
        for chat_id, tr in await self._recipients.staff():
            text = tr(
                "checkin.summary.text",
                title=seminar.title,
                when=Html(format_datetime(seminar.starts_at, self._settings.timezone, tr)),
                attended=tr(
                    "checkin.summary.attended", attended=counts.attended, count=counts.seats
                ),
                in_person=counts.in_person,
                online=counts.online,
                no_show=max(counts.seats - counts.attended, 0),
                unused=tr(
                    "checkin.summary.unused",
                    count=max(seminar.capacity - counts.attended, 0),
                    capacity=seminar.capacity,
                ),
            )
            await self._sender.send_message(chat_id, text)
