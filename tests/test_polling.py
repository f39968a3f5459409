"""The poller asks for the next batch only after the current one was handled, runs a batch
concurrently within its bound, and on stop confirms only what was handled."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import Update

from bot.polling import Poller


class FakeBot:
    def __init__(self, batches: list[list[int]]) -> None:
        self._batches = batches
        self.offsets: list[int | None] = []
        self.handled_when_asked: list[int] = []
        self.handled = 0
        self.idle = asyncio.Event()

    async def get_updates(self, offset: int | None = None, **kwargs: Any) -> list[Update]:
        self.offsets.append(offset)
        self.handled_when_asked.append(self.handled)
        if self._batches and kwargs.get("timeout") != 0:
            return [Update(update_id=uid) for uid in self._batches.pop(0)]
        self.idle.set()
        if kwargs.get("timeout") == 0:
            return []
        await asyncio.Event().wait()  # a long poll with nothing to deliver
        return []


class FakeDispatcher:
    def __init__(self, bot: FakeBot, hold: asyncio.Event | None = None) -> None:
        self._bot = bot
        self._hold = hold
        self.running = 0
        self.most_running = 0
        self.three_running = asyncio.Event()
        self.started: list[int] = []

    async def feed_update(self, bot: object, update: Update) -> None:
        self.started.append(update.update_id)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        if self.running == 3:
            self.three_running.set()
        try:
            if self._hold is not None:
                await self._hold.wait()
            await asyncio.sleep(0)
        finally:
            self.running -= 1
        self._bot.handled += 1


async def test_next_batch_is_fetched_only_after_the_current_one_is_handled() -> None:
    bot = FakeBot([list(range(1, 11)), list(range(11, 21))])
    dispatcher = FakeDispatcher(bot)
    poller = Poller(bot, dispatcher, [], concurrency=3)  # type: ignore[arg-type]
    task = asyncio.create_task(poller.run())
    await asyncio.wait_for(bot.idle.wait(), 10)
    poller.stop()
    await asyncio.wait_for(task, 10)
    assert bot.offsets[:3] == [None, 11, 21]
    assert bot.handled_when_asked[:3] == [0, 10, 20]
    assert dispatcher.most_running == 3


async def test_stop_waits_for_running_handlers_and_confirms_what_they_finished() -> None:
    bot = FakeBot([[1, 2, 3]])
    hold = asyncio.Event()
    dispatcher = FakeDispatcher(bot, hold)
    poller = Poller(bot, dispatcher, [], drain_seconds=5)  # type: ignore[arg-type]
    task = asyncio.create_task(poller.run())
    await asyncio.wait_for(dispatcher.three_running.wait(), 10)
    poller.stop()
    await asyncio.sleep(0)
    assert not task.done()  # still waiting for the handlers
    hold.set()
    await asyncio.wait_for(task, 10)
    assert bot.handled == 3
    assert bot.offsets[-1] == 4  # the confirming call


async def test_handlers_that_outlast_the_drain_are_left_for_telegram_to_send_again() -> None:
    bot = FakeBot([[1, 2, 3]])
    dispatcher = FakeDispatcher(bot, asyncio.Event())  # never released
    poller = Poller(bot, dispatcher, [], drain_seconds=0.05)  # type: ignore[arg-type]
    task = asyncio.create_task(poller.run())
    await asyncio.wait_for(dispatcher.three_running.wait(), 10)
    poller.stop()
    await asyncio.wait_for(task, 10)
    assert bot.handled == 0
    assert bot.offsets[-1] == 1  # nothing confirmed: all three come again
