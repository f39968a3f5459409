"""Shared pieces of the benchmarks: a fake Bot API on loopback and a bot process against it."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import psutil

from bot.sandbox.fakeapi import FakeBotAPI
from tests.fakeapi.process import BotProcess, build_env, spawn, wait_until_ready

REPO_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token_ABCdef"


@asynccontextmanager
async def bot_against_fake_api(
    module: str, env: Mapping[str, str] | None = None, db_path: Path | None = None
) -> AsyncIterator[tuple[FakeBotAPI, BotProcess, Path]]:
    """Start the fake server and `python -m module`; yield both; stop the bot with SIGTERM."""
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        async with FakeBotAPI(TOKEN, bot_username="bench_bot") as api:
            defaults = {
                "BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": api.base_url,
                "DATABASE_PATH": str(db_path or workdir / "bot.sqlite3"),
                "LOG_LEVEL": "WARNING",
            }
            full_env = build_env(defaults, dict(env or {}))
            bot = await spawn(module, full_env, REPO_ROOT, workdir, module.replace(".", "_"))
            try:
                await wait_until_ready(api, bot, since=0, timeout=60)
                yield api, bot, workdir
            finally:
                await bot.stop(timeout=30)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float(psutil.Process(pid).memory_info().rss) / 2**20


def summary(latencies: list[float]) -> tuple[float, float]:
    return statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
