"""Time the programme report for a season (XLSX + DOCX) and the longest event-loop stall meanwhile.

A season: 40 seminars, 3,000 participants, 8,000 registrations, three in four of them came,
two in five of those who came left feedback. Run from the project root:
`python -m benchmarks.report`. Targets: both files in under 3 s, no stall over 200 ms.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.export import TICK, watch_loop
from bot.i18n import Translator
from bot.services.report import ReportFiles, ReportService
from bot.services.report_period import Period
from bot.settings import Settings
from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus
from storage.repositories import Repositories
from storage.repositories.feedback import FeedbackField

NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
SEASON = Period(date(2026, 9, 1), date(2026, 12, 31))
SEMINARS, PARTICIPANTS, REGISTRATIONS = 40, 3000, 8000


async def seed(db: Database) -> None:
    rng = random.Random(18)
    first = datetime(2026, 9, 2, 10, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        repos = Repositories(tx)
        seminars = [
            await repos.seminars.create(
                f"Семинар {n + 1}: социальное предпринимательство",
                "",
                first + timedelta(days=3 * n),
                "Тюмень, Республики, 1",
                250,
                None,
                first - timedelta(days=30),
            )
            for n in range(SEMINARS)
        ]
        for n in range(PARTICIPANTS):
            user_id = 2_000_000 + n
            at = first - timedelta(days=40)
            await repos.users.record_seen(user_id, "Tg", None, None, "ru", at)
            await repos.profiles.save(
                user_id, f"Участник Номер {n}", f"НКО «Организация {n % 400}»", "+7999", at, at
            )
        pairs = rng.sample(range(SEMINARS * PARTICIPANTS), REGISTRATIONS)
        for pair in pairs:
            seminar = seminars[pair % SEMINARS]
            user_id = 2_000_000 + pair // SEMINARS
            registered = await repos.registrations.insert(
                seminar.id, user_id, RegistrationStatus.CONFIRMED, first - timedelta(days=5)
            )
            if rng.random() < 0.75:
                await repos.attendance.mark(
                    registered.id, AttendanceKind.IN_PERSON, MarkMethod.TICKET, None, NOW
                )
                if rng.random() < 0.4:
                    await repos.feedback.set_rating(registered.id, rng.randint(3, 5), NOW)
                    text = "Полезные примеры и разбор бизнес-моделей " * rng.randint(1, 4)
                    await repos.feedback.set_text(registered.id, FeedbackField.USEFUL, text, NOW)
                    topic = f"Тема {rng.randint(1, 30)}: отчётность и гранты"
                    await repos.feedback.set_text(
                        registered.id, FeedbackField.NEXT_TOPIC, topic, NOW
                    )


async def measure() -> tuple[float, float, ReportFiles]:
    """(seconds for both files, longest event-loop stall in seconds, the files)."""
    settings = Settings(bot_token="1:benchmark", _env_file=None)  # type: ignore[arg-type,call-arg]
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.sqlite3")
        await db.connect()
        try:
            await seed(db)
            service = ReportService(db, Translator.load(), settings.timezone, lambda: NOW)
            stop, stalls = asyncio.Event(), []
            watcher = asyncio.create_task(watch_loop(stop, stalls))
            await asyncio.sleep(TICK * 2)
            started = time.perf_counter()
            files = await service.build(SEASON, "ru")
            elapsed = time.perf_counter() - started
            stop.set()
            await watcher
        finally:
            await db.close()
    assert files is not None
    return elapsed, max(stalls), files


if __name__ == "__main__":
    seconds, stall, files = asyncio.run(measure())
    summary = files.summary
    print(
        f"report for {summary.held} seminars, {summary.registrations} registrations, "
        f"{summary.visits} visits, {summary.participants} participants, "
        f"{len(summary.organisations)} organisations"
    )
    print(
        f"  XLSX {len(files.xlsx) // 1024} KiB + DOCX {len(files.docx) // 1024} KiB:"
        f" {seconds:.2f} s"
    )
    print(f"  longest event-loop stall: {stall * 1000:.0f} ms")
