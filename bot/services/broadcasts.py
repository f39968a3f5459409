"""Broadcasts: one admin message copied to a recipient list frozen at launch.

The recipients become outbox rows of kind `broadcast` (bulk priority) in the transaction
that creates the broadcast; the outbox (`bot.services.outbox`) sends them, never twice.
This service watches each running broadcast, keeps the admin's progress message current,
and reports delivered / blocked / failed / uncertain / stopped when no row is left to send.
Uncertain recipients (the bot stopped while their copy was in flight) are resent only
when the admin presses the report's resend button (`resend_uncertain`).
A broadcast to one seminar's people carries a line naming the seminar (`Broadcast.body`):
it goes into the text sent or the caption that replaces the copied one, never as a
second message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiogram import Bot

from bot.clock import Clock
from bot.services.outbox import Outbox, Send
from storage.database import Database
from storage.models import (
    Audience,
    BodyKind,
    Broadcast,
    BroadcastBody,
    BroadcastStatus,
    BroadcastTally,
    DeliveryStatus,
    OutboxItem,
)
from storage.repositories import Repositories
from storage.repositories.broadcasts import BROADCAST_KIND

log = logging.getLogger(__name__)


class BroadcastView(Protocol):
    """Shows a broadcast to the admin who started it; must not raise for Telegram errors."""

    async def show_progress(self, broadcast: Broadcast, tally: BroadcastTally) -> None: ...

    async def show_report(self, broadcast: Broadcast, tally: BroadcastTally) -> None: ...


class BroadcastDelivery:
    """The outbox kind: a copy of the admin's message to one recipient."""

    name = BROADCAST_KIND

    def __init__(self, db: Database, bot: Bot) -> None:
        self._db = db
        self._bot = bot
        self._broadcasts: dict[str, Broadcast] = {}
        self._listeners: dict[str, asyncio.Event] = {}

    async def prepare(self, item: OutboxItem) -> Send | None:
        broadcast = self._broadcasts.get(item.ref)
        if broadcast is None:
            broadcast = await Repositories(self._db).broadcasts.get(int(item.ref))
            if broadcast is None:
                return None
            self._broadcasts[item.ref] = broadcast
        return self._request(broadcast, item.chat_id)

    def _request(self, broadcast: Broadcast, chat_id: int) -> Send:
        """One request per recipient: the seminar's line goes into the text or the caption."""
        body = broadcast.body
        if body is not None and body.kind is BodyKind.TEXT:
            return lambda: self._bot.send_message(chat_id, body.html)
        if body is None:
            return lambda: self._bot.copy_message(
                chat_id=chat_id,
                from_chat_id=broadcast.source_chat_id,
                message_id=broadcast.source_message_id,
            )
        return lambda: self._bot.copy_message(
            chat_id=chat_id,
            from_chat_id=broadcast.source_chat_id,
            message_id=broadcast.source_message_id,
            caption=body.html,
        )

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        self._wake(item.ref)

    def poke(self, broadcast_id: int) -> None:
        """Wake the broadcast's watcher (if it runs) to look at its tally now."""
        self._wake(str(broadcast_id))

    def _wake(self, ref: str) -> None:
        event = self._listeners.get(ref)
        if event is not None:
            event.set()

    def listen(self, broadcast_id: int) -> asyncio.Event:
        return self._listeners.setdefault(str(broadcast_id), asyncio.Event())

    def forget(self, broadcast_id: int) -> None:
        self._listeners.pop(str(broadcast_id), None)


class BroadcastService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        delivery: BroadcastDelivery,
        view: BroadcastView,
        clock: Clock,
        progress_interval: float = 3.0,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._delivery = delivery
        self._view = view
        self._clock = clock
        self._progress_interval = progress_interval
        self._tasks: dict[int, asyncio.Task[None]] = {}

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
        self._watch(broadcast)
        self._outbox.wake()
        return broadcast

    async def stop(self, broadcast_id: int) -> bool:
        """Halt a running broadcast: every recipient not yet claimed becomes stopped."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            broadcast = await repos.broadcasts.get(broadcast_id)
            if broadcast is None or broadcast.status is not BroadcastStatus.RUNNING:
                return False
            await repos.broadcasts.set_status(broadcast_id, BroadcastStatus.STOPPED)
            stopped = await repos.outbox.stop_pending(
                BROADCAST_KIND, str(broadcast_id), self._clock()
            )
        log.info("broadcast %s stopped; %d recipients left unsent", broadcast_id, stopped)
        self._delivery.poke(broadcast_id)
        return True

    async def resend_uncertain(self, broadcast_id: int) -> int:
        """Queue the uncertain recipients again (at-least-once for them); returns how many.

        Only a finished broadcast, so its report is made again at the end; a second press
        finds nobody uncertain and queues nothing.
        """
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            broadcast = await repos.broadcasts.get(broadcast_id)
            if broadcast is None or broadcast.finished_at is None:
                return 0
            count = await repos.outbox.requeue_uncertain(
                BROADCAST_KIND, str(broadcast_id), self._clock()
            )
            if count:
                await repos.broadcasts.reopen(broadcast_id)
                broadcast = await repos.broadcasts.get(broadcast_id)
        if count and broadcast is not None:
            log.info("broadcast %s: resending to %d uncertain recipients", broadcast_id, count)
            self._watch(broadcast)
            self._outbox.wake()
        return count

    async def resume(self) -> list[Broadcast]:
        """Watch every unfinished broadcast again (call once at start-up, after the outbox)."""
        resumed = []
        for broadcast in await Repositories(self._db).broadcasts.unfinished():
            if broadcast.id not in self._tasks:
                log.info("resuming broadcast %s", broadcast.id)
                self._watch(broadcast)
                resumed.append(broadcast)
        return resumed

    async def join(self, broadcast_id: int) -> None:
        """Wait until the broadcast's report has been made in this process."""
        task = self._tasks.get(broadcast_id)
        if task is not None:
            await asyncio.wait({task})

    async def shutdown(self) -> None:
        """Stop watching; unfinished broadcasts are watched again at the next start."""
        tasks = set(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _watch(self, broadcast: Broadcast) -> None:
        task = asyncio.create_task(self._run(broadcast), name=f"broadcast-{broadcast.id}")
        self._tasks[broadcast.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(broadcast.id, None))

    async def _run(self, broadcast: Broadcast) -> None:
        repo = Repositories(self._db).broadcasts
        settled = self._delivery.listen(broadcast.id)
        try:
            tally = await repo.tally(broadcast.id)
            await self._show(self._view.show_progress, broadcast, tally)
            shown_at = time.monotonic()
            while tally.unsettled:
                settled.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(settled.wait(), self._progress_interval)
                tally = await repo.tally(broadcast.id)
                if tally.unsettled and time.monotonic() - shown_at >= self._progress_interval:
                    await self._show(self._view.show_progress, broadcast, tally)
                    shown_at = time.monotonic()
            finished = await repo.finish(broadcast.id, self._clock())
            log.info(
                "broadcast %s %s: sent=%d blocked=%d failed=%d uncertain=%d stopped=%d",
                broadcast.id,
                finished.status.value,
                tally.sent,
                tally.blocked,
                tally.failed,
                tally.uncertain,
                tally.stopped,
            )
            await self._show(self._view.show_report, finished, tally)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(
                "broadcast %s: watching failed; it resumes at the next start", broadcast.id
            )
        finally:
            self._delivery.forget(broadcast.id)

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
