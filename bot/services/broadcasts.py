"""Broadcasts as persisted background jobs: copy one admin message to a frozen recipient list.

Guarantee: no recipient ever receives the same broadcast twice (at-most-once). Each
delivery is claimed in the database (pending → sending, one atomic statement) before
`copyMessage` is called, and a claimed recipient is never claimed again. After a crash
or restart, `resume()` continues every unfinished broadcast: recipients still pending
are sent; recipients left in `sending` are counted as failed and NOT resent.

The one unavoidable edge: if the process dies after Telegram accepted a copy but before
its outcome was recorded, that recipient got the message yet is reported as failed; if
it dies after the claim but before the request left, that recipient never gets it. Only
the few deliveries in flight at the moment of a crash (at most one per worker) are
affected. A clean shutdown stops claiming and lets in-flight deliveries finish first.

Pacing, 429 pauses, 403/"chat not found" (user marked inactive) and retries of 5xx and
network errors are the Sender's; several workers share its pace, so the rate limit, not
the latency of one request, sets the speed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.clock import Clock
from bot.services.sender import Delivery
from storage.database import Database
from storage.models import (
    Audience,
    BodyKind,
    Broadcast,
    BroadcastBody,
    BroadcastStatus,
    BroadcastTally,
    RecipientStatus,
)
from storage.repositories import Repositories

log = logging.getLogger(__name__)


class CopySender(Protocol):
    async def copy_message(
        self, chat_id: int, from_chat_id: int, message_id: int, **kwargs: Any
    ) -> Delivery: ...

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Delivery: ...


class BroadcastView(Protocol):
    """Shows a broadcast to the admin who started it; must not raise for Telegram errors."""

    async def show_progress(self, broadcast: Broadcast, tally: BroadcastTally) -> None: ...

    async def show_report(self, broadcast: Broadcast, tally: BroadcastTally) -> None: ...


class BroadcastService:
    def __init__(
        self,
        db: Database,
        sender: CopySender,
        view: BroadcastView,
        clock: Clock,
        max_workers: int = 8,
        progress_interval: float = 3.0,
        drain_timeout: float = 5.0,
    ) -> None:
        self._db = db
        self._sender = sender
        self._view = view
        self._clock = clock
        self._max_workers = max_workers
        self._progress_interval = progress_interval
        self._drain_timeout = drain_timeout
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._closing = False

    async def count(self, audience: Audience, seminar_id: int | None) -> int:
        """How many users the audience would reach now."""
        return await Repositories(self._db).broadcasts.count_audience(audience, seminar_id)

    async def launch(
        self,
        created_by: int,
        audience: Audience,
        seminar_id: int | None,
        source_chat_id: int,
        source_message_id: int,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
        body: BroadcastBody | None = None,
    ) -> Broadcast | None:
        """Freeze the recipients and start sending; None if this message was already sent.

        The source message identifies a broadcast, so a double press on the confirm
        button cannot start two.
        """
        async with self._db.transaction() as tx:
            repo = Repositories(tx).broadcasts
            if await repo.find_by_source(source_chat_id, source_message_id) is not None:
                return None
            broadcast = await repo.create(
                created_by,
                audience,
                seminar_id,
                source_chat_id,
                source_message_id,
                progress_chat_id,
                progress_message_id,
                self._clock(),
                body,
            )
        log.info("broadcast %s started by %s (%s)", broadcast.id, created_by, audience.value)
        self._start(broadcast)
        return broadcast

    async def stop(self, broadcast_id: int) -> bool:
        """Halt a running broadcast: every recipient not yet claimed becomes stopped."""
        async with self._db.transaction() as tx:
            repo = Repositories(tx).broadcasts
            broadcast = await repo.get(broadcast_id)
            if broadcast is None or broadcast.status is not BroadcastStatus.RUNNING:
                return False
            await repo.set_status(broadcast_id, BroadcastStatus.STOPPED)
            stopped = await repo.stop_pending(broadcast_id, self._clock())
        log.info("broadcast %s stopped; %d recipients left unsent", broadcast_id, stopped)
        return True

    async def resume(self) -> list[Broadcast]:
        """Restart every unfinished broadcast (call once at start-up)."""
        repo = Repositories(self._db).broadcasts
        resumed = []
        for broadcast in await repo.unfinished():
            if broadcast.id in self._tasks:
                continue
            lost = await repo.fail_in_flight(broadcast.id, self._clock())
            if lost:
                log.warning(
                    "broadcast %s: %d deliveries were in flight when the bot stopped; "
                    "counted as failed and not resent",
                    broadcast.id,
                    lost,
                )
            log.info("resuming broadcast %s", broadcast.id)
            self._start(broadcast)
            resumed.append(broadcast)
        return resumed

    async def join(self, broadcast_id: int) -> None:
        """Wait until the broadcast's job in this process has ended."""
        task = self._tasks.get(broadcast_id)
        if task is not None:
            await asyncio.wait({task})

    async def shutdown(self) -> None:
        """Stop claiming, let in-flight deliveries finish (briefly), then cancel.

        Unfinished broadcasts stay `running` in the database and resume at the next start.
        """
        self._closing = True
        tasks = set(self._tasks.values())
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=self._drain_timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    def _start(self, broadcast: Broadcast) -> None:
        task = asyncio.create_task(self._run(broadcast), name=f"broadcast-{broadcast.id}")
        self._tasks[broadcast.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(broadcast.id, None))

    async def _run(self, broadcast: Broadcast) -> None:
        repo = Repositories(self._db).broadcasts
        try:
            tally = await repo.tally(broadcast.id)
            await self._show_progress(broadcast, tally)
            workers = [
                asyncio.create_task(self._work(broadcast))
                for _ in range(max(1, min(self._max_workers, tally.pending)))
            ]
            all_workers = asyncio.gather(*workers)
            try:
                while True:
                    done, _ = await asyncio.wait({all_workers}, timeout=self._progress_interval)
                    if done:
                        all_workers.result()  # a worker's database error ends this run
                        break
                    fresh = await repo.tally(broadcast.id)
                    if fresh != tally:
                        tally = fresh
                        await self._show_progress(broadcast, tally)
            finally:
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
            if self._closing:
                return
            finished = await repo.finish(broadcast.id, self._clock())
            tally = await repo.tally(broadcast.id)
            log.info(
                "broadcast %s %s: sent=%d blocked=%d failed=%d stopped=%d",
                broadcast.id,
                finished.status.value,
                tally.sent,
                tally.blocked,
                tally.failed,
                tally.stopped,
            )
            await self._show(self._view.show_report, finished, tally)
        except Exception:
            log.exception("broadcast %s crashed; it resumes at the next start", broadcast.id)

    async def _work(self, broadcast: Broadcast) -> None:
        repo = Repositories(self._db).broadcasts
        while not self._closing:
            user_id = await repo.claim_next(broadcast.id, self._clock())
            if user_id is None:
                return
            try:
                delivery = await self._deliver(broadcast, user_id)
            except Exception:
                log.exception("broadcast %s: delivery to %s raised", broadcast.id, user_id)
                delivery = Delivery.FAILED
            await repo.record(broadcast.id, user_id, RecipientStatus(delivery.value), self._clock())

    async def _deliver(self, broadcast: Broadcast, user_id: int) -> Delivery:
        """One request per recipient: the seminar's line goes into the text or the caption."""
        body = broadcast.body
        if body is not None and body.kind is BodyKind.TEXT:
            return await self._sender.send_message(user_id, body.html)
        extra = {"caption": body.html} if body is not None else {}
        return await self._sender.copy_message(
            user_id, broadcast.source_chat_id, broadcast.source_message_id, **extra
        )

    async def _show_progress(self, broadcast: Broadcast, tally: BroadcastTally) -> None:
        await self._show(self._view.show_progress, broadcast, tally)

    async def _show(
        self,
        show: Callable[[Broadcast, BroadcastTally], Awaitable[None]],
        broadcast: Broadcast,
        tally: BroadcastTally,
    ) -> None:
        # Progress is a courtesy: a failed edit must never stop or fail the delivery.
        try:
            await show(broadcast, tally)
        except Exception:
            log.exception("broadcast %s: could not show progress", broadcast.id)
