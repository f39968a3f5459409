"""Whole-stack figures: update throughput against a bare echo bot, a registration rush,
and the bot's peak memory with a large database.

Run by hand: ``python -m benchmarks.stack`` (about two minutes on 2 cores).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.harness import bot_against_fake_api, peak_rss_mb, summary
from bot.sandbox.fakeapi import FakeBotAPI
from storage.database import Database
from storage.repositories import Repositories

USERS = 500
UPDATES_PER_USER = 4  # 2,000 updates in all
FAQ_TEXT = "Что такое социальное предпринимательство?"


async def _conversation(api: FakeBotAPI, user_id: int, latencies: list[float]) -> None:
    user = api.user(user_id, f"U{user_id}", language_code="ru")
    for turn in range(UPDATES_PER_USER):
        started = time.perf_counter()
        await user.send("/start" if turn % 2 == 0 else FAQ_TEXT)
        await user.wait_message(timeout=120)
        latencies.append(time.perf_counter() - started)


async def throughput(module: str) -> tuple[float, float, float]:
    """(updates per second, p50 ms, p99 ms) for 2,000 updates from 500 users."""
    async with bot_against_fake_api(module) as (api, _bot, _dir):
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(_conversation(api, 10_000 + i, latencies) for i in range(USERS)))
        elapsed = time.perf_counter() - started
    p50, p99 = summary(latencies)
    return len(latencies) / elapsed, p50, p99


async def _seed(db_path: Path, users: int, seminars: int, capacity: int) -> list[int]:
    now = datetime.now(UTC)
    db = Database(db_path)
    await db.connect()
    seminar_ids = []
    try:
        async with db.transaction() as tx:
            repos = Repositories(tx)
            for i in range(users):
                user_id = 100_000 + i
                await repos.users.record_seen(user_id, f"U{i}", None, None, "ru", now)
                await repos.profiles.save(user_id, f"Участник {i}", "НКО", "+79990000000", now, now)
            for i in range(seminars):
                seminar = await repos.seminars.create(
                    title=f"Семинар {i}",
                    description="",
                    starts_at=now + timedelta(days=7, hours=i),
                    place="Тюмень",
                    capacity=capacity,
                    created_by=None,
                    now=now,
                )
                seminar_ids.append(seminar.id)
    finally:
        await db.close()
    return seminar_ids


async def registration_rush(workdir: Path) -> tuple[float, int]:
    """1,000 users press Register on a 100-seat seminar at once: (seconds, confirmed)."""
    db_path = workdir / "rush.sqlite3"
    [seminar_id] = await _seed(db_path, users=1000, seminars=1, capacity=100)
    async with bot_against_fake_api("bot", db_path=db_path) as (api, _bot, _dir):
        users = [api.user(100_000 + i, f"U{i}", language_code="ru") for i in range(1000)]

        async def open_card(user_index: int) -> None:
            await users[user_index].send(f"/start seminar_{seminar_id}")
            await users[user_index].wait_message("Записаться", timeout=120)

        await asyncio.gather(*(open_card(i) for i in range(1000)))

        async def register(user_index: int) -> None:
            await users[user_index].press("Записаться")
            await users[user_index].wait_message(timeout=120)

        started = time.perf_counter()
        await asyncio.gather(*(register(i) for i in range(1000)))
        elapsed = time.perf_counter() - started
    db = Database(db_path)
    await db.connect()
    counts = await Repositories(db).registrations.counts(seminar_id)
    await db.close()
    return elapsed, counts.confirmed


async def memory(module: str, db_path: Path | None = None) -> float:
    """Peak RSS (MB) of a bot process after 50 users asked for /seminars."""
    async with bot_against_fake_api(module, db_path=db_path) as (api, bot, _dir):
        for i in range(50):
            user = api.user(100_000 + i, f"U{i}", language_code="ru")
            await user.send("/seminars")
            await user.wait_message(timeout=60)
        return peak_rss_mb(bot.pid)


async def rows() -> list[tuple[str, str, str]]:
    """The whole-stack rows of the benchmark table."""
    table: list[tuple[str, str, str]] = []
    project = await throughput("bot")
    echo = await throughput("benchmarks.echo_bot")
    table.append(
        (
            "updates/s, /start + FAQ (project)",
            f"{project[0]:.0f}",
            f"p50 {project[1]:.0f} ms, p99 {project[2]:.0f} ms",
        )
    )
    table.append(
        (
            "updates/s (bare echo bot)",
            f"{echo[0]:.0f}",
            f"p50 {echo[1]:.0f} ms, p99 {echo[2]:.0f} ms",
        )
    )
    table.append(("ratio project / echo", f"{project[0] / echo[0]:.2f}", "target >= 0.5"))
    with tempfile.TemporaryDirectory() as folder:
        seconds, confirmed = await registration_rush(Path(folder))
        table.append(
            (
                "rush: 1,000 users, 100 seats",
                f"{seconds:.1f} s",
                f"{confirmed} confirmed (must be 100)",
            )
        )
        db_path = Path(folder) / "memory.sqlite3"
        await _seed(db_path, users=10_000, seminars=100, capacity=50)
        rss = await memory("bot", db_path)
        baseline = await memory("benchmarks.echo_bot")
    table.append(("peak RSS, 10k users, 100 seminars", f"{rss:.0f} MB", "target < 150 MB"))
    table.append(("peak RSS, bare echo bot", f"{baseline:.0f} MB", "aiogram's own floor"))
    return table


def print_table(table: list[tuple[str, str, str]]) -> None:
    width = max(len(name) for name, _, _ in table)
    for name, value, note in table:
        print(f"{name:<{width}}  {value:>8}  {note}")


if __name__ == "__main__":
    print_table(asyncio.run(rows()))
