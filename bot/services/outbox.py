"""The one paced sender for everything the bot sends on its own to many people.

Broadcasts, reminders, change/cancel notices and waitlist promotions are rows in one
`outbox` table (kind, ref, chat, payload, status). One loop sends them at BROADCAST_RATE,
personal deliveries (`Priority.PERSONAL`) ahead of bulk ones, and resumes at start-up.

Rules, in the order a delivery meets them:
- **Slot, then claim, then send.** The loop first waits for the pacer's slot, then claims
  one due row (pending → sending) and sends it at once, so the rows claimed at any
  moment are the requests actually in flight (about rate × request latency).
- **Never twice.** A claimed row is never claimed again. If the bot dies with a row
  claimed, its outcome is unknown: at the next start it becomes `uncertain` and is not
  resent, unless an admin asks for it (`requeue_uncertain`, the broadcast report's resend
  button): at-least-once only by an admin's choice.
- **Retryable is not failed.** A 5xx, a network error or a timeout puts the row back in
  the queue with an exponential backoff (1 s, 2 s, 4 s … 60 s) and pauses all sending for
  a second; only after RETRY_WINDOW (10 minutes) of such errors is it `failed`. A 429 puts
  it back after `retry_after` and pauses all sending for as long. A timeout can hide a
  request Telegram did accept, so a retried timeout is the one case that can deliver twice.
- **Refusals are final.** 403 and "chat not found" make the row `blocked` (and the user
  inactive); any other 400 makes it `failed`.
- **Shutdown** stops claiming, gives the requests in flight DRAIN_SECONDS to finish, and
  marks what is still claimed `uncertain`.

Adding a kind (surveys, materials, certificates …):
1. Write a class with a `name` (stored in `outbox.kind`) and
   `async def prepare(self, item: OutboxItem) -> Send | None`: read what `item.ref` and
   `item.payload` point to, render in the recipient's language, and return the
   zero-argument coroutine function that makes the one Bot API request (or None when
   the delivery no longer applies: the row becomes `skipped`), and
   `def settled(self, item: OutboxItem, status: DeliveryStatus) -> None`, told each final
   outcome (most kinds do nothing; broadcasts update the admin's progress).
2. `outbox.register(kind)` in `bot/app.py`.
3. Queue deliveries with `Repositories(tx).outbox.enqueue(name, ref, priority, chat_ids,
   now, payload)` inside the transaction that decides them (so a crash cannot separate
   the decision from the queueing), then `outbox.wake()` after the commit.
   `(kind, ref, chat)` is unique, so queueing the same thing again is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.clock import Clock
from bot.retry_after import no_retry_after
from bot.services.pacing import SendPacer
from bot.services.sender import refused
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem
from storage.repositories import Repositories

log = logging.getLogger(__name__)

Send = Callable[[], Awaitable[Any]]

RETRY_WINDOW = timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 60
# A server or network error pauses every send this long: an outage is not hammered.
ERROR_PAUSE_SECONDS = 1.0
MAX_IN_FLIGHT = 16
DRAIN_SECONDS = 10.0
# With nothing due, the loop looks at the table again at least this often.
IDLE_POLL_SECONDS = 1.0


class DeliveryKind(Protocol):
    @property
    def name(self) -> str: ...

    async def prepare(self, item: OutboxItem) -> Send | None: ...

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None: ...


class Outbox:
    def __init__(
        self,
        db: Database,
        pacer: SendPacer,
        on_unreachable: Callable[[int], Awaitable[None]],
        clock: Clock,
        max_in_flight: int = MAX_IN_FLIGHT,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self._db = db
        self._pacer = pacer
        self._on_unreachable = on_unreachable
        self._clock = clock
        self._kinds: dict[str, DeliveryKind] = {}
        self._slots = asyncio.Semaphore(max_in_flight)
        self._drain_seconds = drain_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._claiming = False
        self._closing = False

    def register(self, kind: DeliveryKind) -> None:
        self._kinds[kind.name] = kind

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        """At start-up: what the last run left claimed becomes uncertain; then send."""
        uncertain = await Repositories(self._db).outbox.mark_in_flight_uncertain(self._clock())
        if uncertain:
            log.warning(
                "%d deliveries were in flight when the bot stopped; marked uncertain, not resent",
                uncertain,
            )
        self._loop = asyncio.create_task(self._run(), name="outbox")

    async def shutdown(self) -> None:
        self._closing = True
        self._wake.set()
        if self._loop is not None:
            if not self._claiming:
                self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        if self._in_flight:
            _, late = await asyncio.wait(set(self._in_flight), timeout=self._drain_seconds)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await Repositories(self._db).outbox.mark_in_flight_uncertain(self._clock())

    async def run_until_idle(self) -> None:
        """Send everything due now, one at a time, at the pace (tests drive the outbox so)."""
        repo = Repositories(self._db).outbox
        while True:
            await self._pacer.acquire()
            item = await repo.claim_next(self._clock())
            if item is None:
                return
            await self._deliver(item)

    async def _run(self) -> None:
        repo = Repositories(self._db).outbox
        while not self._closing:
            await self._slots.acquire()
            try:
                await self._pacer.acquire()
                if self._closing:
                    self._slots.release()
                    return
                self._wake.clear()
                self._claiming = True
                try:
                    item = await repo.claim_next(self._clock())
                finally:
                    self._claiming = False
            except asyncio.CancelledError:
                self._slots.release()
                raise
            except Exception:
                self._slots.release()
                log.exception("outbox: could not claim a delivery; trying again shortly")
                await asyncio.sleep(IDLE_POLL_SECONDS)
                continue
            if item is None:
                self._slots.release()
                await self._idle()
                continue
            task = asyncio.create_task(self._deliver(item), name=f"outbox-{item.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()

    async def _idle(self) -> None:
        timeout = IDLE_POLL_SECONDS
        due = await Repositories(self._db).outbox.next_due()
        if due is not None:
            timeout = min(timeout, max(0.05, (due - self._clock()).total_seconds()))
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            return

    async def _deliver(self, item: OutboxItem) -> None:
        repo = Repositories(self._db).outbox
        try:
            status = await self._attempt(item)
            if status is not None:
                await repo.settle(item.id, status, self._clock())
                kind = self._kinds.get(item.kind)
                if kind is not None:
                    kind.settled(item, status)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The row stays claimed and becomes uncertain at the next start or shutdown.
            log.exception("outbox: delivery %s (%s) could not be recorded", item.id, item.kind)

    async def _attempt(self, item: OutboxItem) -> DeliveryStatus | None:
        """Send once; the outcome to record, or None when the row went back to the queue."""
        kind = self._kinds.get(item.kind)
        if kind is None:
            log.error("outbox: delivery %s has unknown kind %r", item.id, item.kind)
            return DeliveryStatus.FAILED
        try:
            send = await kind.prepare(item)
        except Exception:
            log.exception("outbox: could not prepare delivery %s (%s)", item.id, item.kind)
            return DeliveryStatus.FAILED
        if send is None:
            return DeliveryStatus.SKIPPED
        token = no_retry_after.set(True)
        try:
            await send()
        except TelegramRetryAfter as exc:
            log.warning("429 from Telegram: pausing sends for %ss", exc.retry_after)
            self._pacer.pause(exc.retry_after)
            now = self._clock()
            await Repositories(self._db).outbox.retry(
                item.id, now + timedelta(seconds=exc.retry_after), item.retry_until, now
            )
            return None
        except (TelegramServerError, TelegramNetworkError) as exc:
            return await self._retry_later(item, exc)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            delivery = await refused(item.chat_id, exc, self._on_unreachable)
            return DeliveryStatus(delivery.value)
        except Exception:
            log.exception("outbox: delivery %s (%s) failed", item.id, item.kind)
            return DeliveryStatus.FAILED
        finally:
            no_retry_after.reset(token)
        return DeliveryStatus.SENT

    async def _retry_later(self, item: OutboxItem, exc: Exception) -> DeliveryStatus | None:
        now = self._clock()
        retry_until = item.retry_until or now + RETRY_WINDOW
        if now >= retry_until:
            log.error("outbox: giving up on delivery %s after %s: %s", item.id, RETRY_WINDOW, exc)
            return DeliveryStatus.FAILED
        self._pacer.pause(ERROR_PAUSE_SECONDS)
        backoff = min(MAX_BACKOFF_SECONDS, 2 ** max(0, item.attempts - 1))
        log.warning(
            "outbox: delivery %s (%s) will be retried in %ss: %s", item.id, item.kind, backoff, exc
        )
        await Repositories(self._db).outbox.retry(
            item.id, now + timedelta(seconds=backoff), retry_until, now
        )
        return None
