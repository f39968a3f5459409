"""One report per batch of outbox deliveries (a sending of materials, an issue of certificates).

A batch's kind pokes its watcher from `settled`; the watcher reads the batch's tally and,
when nobody is left to send, marks the batch reported (once, even across restarts) and
hands the tally to the kind's report. `resume` at start-up watches the unreported batches
again, so a batch cut by a restart is still reported, its uncertain deliveries included;
`resend_uncertain` (the report's button) queues those again and reopens the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.services.outbox import Outbox
from storage.database import Database
from storage.repositories import Repositories
from storage.repositories.batches import BatchTally, DeliveryBatch

log = logging.getLogger(__name__)

Report = Callable[[DeliveryBatch, BatchTally], Awaitable[None]]

# Without a poke, the tally is read again this often.
POLL_SECONDS = 2.0


class BatchWatcher:
    def __init__(
        self, db: Database, outbox: Outbox, kind: str, clock: Clock, poll: float = POLL_SECONDS
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._kind = kind
        self._clock = clock
        self._poll = poll
        self._report: Report | None = None
        self._settled = asyncio.Event()
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def on_report(self, report: Report) -> None:
        self._report = report

    def poke(self) -> None:
        """A delivery of this kind settled: look at the tallies now."""
        self._settled.set()

    def watch(self, batch_id: int) -> None:
        if batch_id in self._tasks:
            return
        task = asyncio.create_task(self._run(batch_id), name=f"{self._kind}-batch-{batch_id}")
        self._tasks[batch_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(batch_id, None))

    async def join(self, batch_id: int) -> None:
        """Wait until the batch was reported in this process (tests)."""
        task = self._tasks.get(batch_id)
        if task is not None:
            await asyncio.wait({task})

    async def resume(self) -> None:
        """Watch every unreported batch again (at start-up, after the outbox)."""
        for batch in await Repositories(self._db).batches.unreported(self._kind):
            self.watch(batch.id)

    async def resend_uncertain(self, batch_id: int) -> int:
        async with self._db.transaction() as tx:
            count = await Repositories(tx).batches.requeue_uncertain(
                self._kind, batch_id, self._clock()
            )
        if count:
            log.info("%s batch %s: resending %d uncertain deliveries", self._kind, batch_id, count)
            self.watch(batch_id)
            self._outbox.wake()
        return count

    async def shutdown(self) -> None:
        tasks = set(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, batch_id: int) -> None:
        repos = Repositories(self._db)
        try:
            while (tally := await repos.batches.tally(self._kind, batch_id)).open:
                self._settled.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._settled.wait(), self._poll)
            batch = await repos.batches.get(batch_id)
            if batch is None or not await repos.batches.mark_reported(batch_id, self._clock()):
                return
            log.info(
                "%s batch %s: sent=%d blocked=%d failed=%d uncertain=%d",
                self._kind,
                batch_id,
                tally.sent,
                tally.blocked,
                tally.failed,
                tally.uncertain,
            )
            if self._report is not None:
                await self._report(batch, tally)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s batch %s: could not report", self._kind, batch_id)
