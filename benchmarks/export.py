"""Time a 10,000-registration export (CSV + XLSX) and the longest event-loop stall meanwhile.

Run from the project root: `python -m benchmarks.export [registrations]`.
Target: under 2 s in total, with the loop never held for more than a small fraction of that.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.i18n import Translator
from bot.services.export import export_seminar, labels_for
from bot.settings import Settings
from storage.database import Database
from storage.models import RegistrationStatus
from storage.repositories import Repositories

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
TICK = 0.005


async def seed(db: Database, registrations: int) -> int:
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminar = await repos.seminars.create(
            "Benchmark seminar", "", NOW + timedelta(days=7), "Hall", registrations // 2, None, NOW
        )
        for n in range(registrations):
            user_id = 1_000_000 + n
            at = NOW - timedelta(seconds=registrations - n)
            await repos.users.record_seen(user_id, "Tg", None, f"user{n}", "ru", at)
            await repos.profiles.save(
                user_id,
                f"Участник Номер {n}",
                f"НКО «Организация {n % 300}»",
                f"+7999{n:07d}",
                at,
                at,
            )
            status = (
                RegistrationStatus.CONFIRMED
                if n < registrations // 2
                else RegistrationStatus.WAITLIST
                if n % 3
                else RegistrationStatus.CANCELLED
            )
            registration = await repos.registrations.insert(seminar.id, user_id, status, at)
            if n % 4 == 0:
                await repos.registrations.set_attendance(registration.id, "yes")
    return seminar.id


async def watch_loop(stop: asyncio.Event, stalls: list[float]) -> None:
    """How late each short sleep wakes up is how long something else held the loop."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(TICK)
        stalls.append(time.perf_counter() - started - TICK)


async def measure(registrations: int) -> tuple[float, float]:
    """(seconds for CSV + XLSX, longest event-loop stall in seconds)."""
    settings = Settings(bot_token="1:benchmark", _env_file=None)  # type: ignore[arg-type,call-arg]
    labels = labels_for(Translator.load().for_language("ru"), settings.timezone)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.sqlite3")
        await db.connect()
        try:
            seminar_id = await seed(db, registrations)
            stop, stalls = asyncio.Event(), []
            watcher = asyncio.create_task(watch_loop(stop, stalls))
            await asyncio.sleep(TICK * 2)
            started = time.perf_counter()
            files = await export_seminar(
                Repositories(db), seminar_id, labels, settings.timezone, NOW
            )
            elapsed = time.perf_counter() - started
            stop.set()
            await watcher
        finally:
            await db.close()
    assert files is not None
    return elapsed, max(stalls)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seconds, stall = asyncio.run(measure(count))
    print(f"export of {count} registrations (CSV + XLSX): {seconds:.2f} s")
    print(f"  longest event-loop stall: {stall * 1000:.0f} ms")
