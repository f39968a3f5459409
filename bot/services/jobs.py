"""Periodic sweeps on the scheduler: one job per id, never two runs at once, missed runs
coalesced (a sweep looks at the database, so running it once catches up)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger


def schedule_sweep(
    scheduler: AsyncIOScheduler,
    sweep: Callable[[], Awaitable[Any]],
    job_id: str,
    interval: timedelta,
    first_run: datetime | None = None,
) -> None:
    """Run `sweep` every `interval`; first at `first_run` when given, else after one interval."""
    extra: dict[str, Any] = {} if first_run is None else {"next_run_time": first_run}
    scheduler.add_job(
        sweep,
        trigger=IntervalTrigger(seconds=interval.total_seconds()),
        id=job_id,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        **extra,
    )
