"""Long polling that confirms to Telegram only the updates that were handled.

`getUpdates` with offset N confirms every update below N, so the next batch is asked for
only when the current one has been handled (its updates concurrently, at most
CONCURRENCY at a time). After a SIGKILL, Telegram therefore delivers again whatever was
fetched but not finished; `bot.handled_updates` skips the ones already handled.

SIGTERM/SIGINT stop fetching (an open long poll is abandoned, which confirms nothing),
give the handlers still running DRAIN_SECONDS, confirm what was handled, and return;
the caller then runs the shutdown hooks and closes the database.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Update

log = logging.getLogger(__name__)

T = TypeVar("T")

BATCH_SIZE = 100
CONCURRENCY = 16
POLL_TIMEOUT_SECONDS = 25
DRAIN_SECONDS = 10.0
MAX_BACKOFF_SECONDS = 30.0


class Poller:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        allowed_updates: list[str],
        batch_size: int = BATCH_SIZE,
        concurrency: int = CONCURRENCY,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self._bot = bot
        self._dispatcher = dispatcher
        self._allowed_updates = allowed_updates
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._drain_seconds = drain_seconds
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    def handle_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)

    async def run(self) -> None:
        """Poll until `stop()`; return once the handled updates are confirmed."""
        offset: int | None = None
        confirmed = True
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await self._until_stopped(self._fetch(offset))
            except (
                TelegramNetworkError,
                TelegramServerError,
                TelegramRetryAfter,
                TelegramConflictError,
            ) as exc:
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 2.0 ** min(failures, 5))
                if isinstance(exc, TelegramRetryAfter):
                    delay = float(exc.retry_after)
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await self._until_stopped(asyncio.sleep(delay))
                continue
            if updates is None:
                break
            failures = 0
            confirmed = True  # asking with `offset` confirmed everything below it
            if not updates:
                continue
            offset = await self._handle(updates)
            confirmed = False
        if offset is not None and not confirmed:
            await self._confirm(offset)

    async def _fetch(self, offset: int | None) -> list[Update]:
        return await self._bot.get_updates(
            offset=offset,
            limit=self._batch_size,
            timeout=POLL_TIMEOUT_SECONDS,
            allowed_updates=self._allowed_updates,
            request_timeout=POLL_TIMEOUT_SECONDS + 10,
        )

    async def _until_stopped(self, work: Awaitable[T]) -> T | None:
        """Await `work` unless a stop comes first (then `work` is cancelled: None)."""
        task = asyncio.ensure_future(work)
        stop = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if task.done():
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return None

    async def _handle(self, updates: Sequence[Update]) -> int:
        """Handle a batch; return the offset that confirms what was handled."""
        tasks = {update.update_id: asyncio.create_task(self._one(update)) for update in updates}
        everything = asyncio.gather(*tasks.values(), return_exceptions=True)
        await self._until_stopped(asyncio.shield(everything))
        if not everything.done():
            log.info(
                "stopping: waiting up to %.0f s for %d handlers",
                self._drain_seconds,
                sum(not task.done() for task in tasks.values()),
            )
            _, late = await asyncio.wait(set(tasks.values()), timeout=self._drain_seconds)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            unfinished = [uid for uid, task in tasks.items() if task.cancelled()]
            if unfinished:
                log.warning(
                    "stopping: %d updates left unhandled; Telegram sends them again",
                    len(unfinished),
                )
                return min(unfinished)
        return updates[-1].update_id + 1

    async def _one(self, update: Update) -> None:
        async with self._slots:
            try:
                await self._dispatcher.feed_update(self._bot, update)
            except Exception:
                log.exception("update id=%s failed outside the error handler", update.update_id)

    async def _confirm(self, offset: int) -> None:
        """Tell Telegram everything below `offset` was handled (one more update may come back)."""
        try:
            await self._bot.get_updates(offset=offset, limit=1, timeout=0, request_timeout=5)
        except Exception as exc:  # the next start handles the batch again; dedup skips it
            log.warning("could not confirm the last updates: %s", exc)
