"""Losses and duplicates under faults, against the fake Bot API: crashes, restarts, an outage,
bursts of /start.

Run by hand from the project root: ``python -m benchmarks.faults`` (10-15 minutes on a
loaded 2-core machine; most of it is the bot starting again after each kill).

- broadcast of 1,000 at BROADCAST_RATE=25 with 3 SIGKILLs at random moments: delivered,
  uncertain (from the report), lost (never received), duplicates; then the report's resend
  button, and lost/duplicates again;
- the same broadcast with 10 s of 500s from the Bot API: failed (target 0);
- 3,000 /start at once with a SIGKILL at 2 s, and with a SIGTERM at 2 s, each followed by
  a restart: never answered, answered twice;
- 10,000 /start at once: the bot's peak RSS and the slowest answer.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import REPO_ROOT, TOKEN, peak_rss_mb
from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.repositories import Repositories
from tests.fakeapi.process import BotProcess, build_env, spawn, wait_until_ready

ADMIN_ID = 500_000
TEXT = "Benchmark announcement"
GREETING = "Здравствуйте"
START_TIMEOUT = 120.0


@asynccontextmanager
async def fake_api() -> AsyncIterator[tuple[FakeBotAPI, Path]]:
    with tempfile.TemporaryDirectory(prefix="faults-bench-") as folder:
        async with FakeBotAPI(TOKEN, bot_username="bench_bot") as api:
            yield api, Path(folder)


async def start_bot(api: FakeBotAPI, workdir: Path, env: dict[str, str], name: str) -> BotProcess:
    full_env = build_env(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.base_url,
            "DATABASE_PATH": str(workdir / "bot.sqlite3"),
            "LOG_LEVEL": "WARNING",
            **env,
        },
        None,
    )
    since = len(api.requests)
    bot = await spawn("bot", full_env, REPO_ROOT, workdir, name)
    await wait_until_ready(api, bot, since=since, timeout=START_TIMEOUT)
    return bot


async def seed_users(api: FakeBotAPI, db_path: Path, count: int) -> None:
    db = Database(db_path)
    await db.connect()
    async with db.transaction() as tx:
        users = Repositories(tx).users
        for user_id in range(1, count + 1):
            await users.record_seen(user_id, "User", None, None, "ru", datetime.now(UTC))
            api.user(user_id, username=None)
    await db.close()


def copies(api: FakeBotAPI, source_id: int) -> Counter[int]:
    received: Counter[int] = Counter()
    for params in api.calls("copyMessage"):
        if params["from_chat_id"] == ADMIN_ID and params["message_id"] == source_id:
            received[params["chat_id"]] += 1
    received[ADMIN_ID] -= 1  # the preview
    return +received


def count_in(report: BotMessage, label: str) -> int:
    match = re.search(rf"{label}[^:]*: (\d+)", report.text or "")
    return int(match.group(1)) if match else 0


async def launch(admin: FakeUser) -> int:
    await admin.send("/broadcast")
    menu = await admin.wait_message("Кому отправить рассылку", timeout=60)
    await admin.press("Всем", message_id=menu.message_id)
    await admin.wait_edit(menu.message_id, "Отправьте сообщение", timeout=60)
    source_id = await admin.send(TEXT)
    preview = await admin.wait_message(TEXT, predicate=lambda m: bool(m.buttons), timeout=60)
    await admin.press("Отправить", message_id=preview.message_id)
    return source_id


@dataclass(frozen=True)
class BroadcastFaults:
    recipients: int
    delivered: int
    uncertain: int
    failed: int
    lost: int
    duplicates: int
    lost_after_resend: int
    duplicates_after_resend: int
    elapsed: float


async def broadcast_with_kills(recipients: int, rate: float, kills: int) -> BroadcastFaults:
    async with fake_api() as (api, workdir):
        await seed_users(api, workdir / "bot.sqlite3", recipients)
        admin = api.user(ADMIN_ID, first_name="Admin")
        env = {"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": str(rate)}
        bot = await start_bot(api, workdir, env, "bot-0")
        started = time.monotonic()
        source_id = await launch(admin)
        chooser = random.Random(12)
        for kill in range(kills):
            # A random moment while the broadcast is still sending.
            left = recipients + 1 - sum(copies(api, source_id).values())
            await asyncio.sleep(chooser.uniform(0.5, max(1.0, left / rate / (kills - kill + 1))))
            bot.kill()
            await bot.process.wait()
            bot = await start_bot(api, workdir, env, f"bot-{kill + 1}")
        report = await admin.wait_message("Доставлено", timeout=recipients / rate * 4 + 120)
        elapsed = time.monotonic() - started
        received = copies(api, source_id)
        everyone = set(range(1, recipients + 1)) | {ADMIN_ID}
        figures = {
            "delivered": count_in(report, "Доставлено"),
            "uncertain": count_in(report, "Неизвестно"),
            "failed": count_in(report, "Не доставлено"),
            "lost": len(everyone - set(received)),
            "duplicates": sum(n - 1 for n in received.values()),
        }
        if figures["uncertain"]:
            await admin.press(
                f"Отправить ещё раз неуверенным ({figures['uncertain']})",
                message_id=report.message_id,
            )
            await admin.wait_message(
                "Доставлено", predicate=lambda m: m.message_id != report.message_id, timeout=120
            )
        after = copies(api, source_id)
        await bot.stop(timeout=60)
    return BroadcastFaults(
        recipients=len(everyone),
        lost_after_resend=len(everyone - set(after)),
        duplicates_after_resend=sum(n - 1 for n in after.values()),
        elapsed=elapsed,
        **figures,
    )


async def broadcast_through_outage(recipients: int, rate: float, outage: float) -> BroadcastFaults:
    async with fake_api() as (api, workdir):
        await seed_users(api, workdir / "bot.sqlite3", recipients)
        admin = api.user(ADMIN_ID, first_name="Admin")
        env = {"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": str(rate)}
        bot = await start_bot(api, workdir, env, "bot")
        started = time.monotonic()
        source_id = await launch(admin)
        await api.world.wait_for(lambda: sum(copies(api, source_id).values()) >= 100, 120)
        api.fail_for(outage, 500)
        report = await admin.wait_message("Доставлено", timeout=recipients / rate * 4 + 120)
        elapsed = time.monotonic() - started
        received = copies(api, source_id)
        everyone = set(range(1, recipients + 1)) | {ADMIN_ID}
        await bot.stop(timeout=60)
    lost = len(everyone - set(received))
    duplicates = sum(n - 1 for n in received.values())
    return BroadcastFaults(
        recipients=len(everyone),
        delivered=count_in(report, "Доставлено"),
        uncertain=count_in(report, "Неизвестно"),
        failed=count_in(report, "Не доставлено"),
        lost=lost,
        duplicates=duplicates,
        lost_after_resend=lost,
        duplicates_after_resend=duplicates,
        elapsed=elapsed,
    )


def burst(api: FakeBotAPI, count: int) -> list[int]:
    ids = list(range(10_001, 10_001 + count))
    for user_id in ids:
        user = api.user(user_id, f"U{user_id}", username=None)
        api.world.enqueue(api.make_update("message", user.build_message("/start")))
    return ids


class Greetings:
    """Counts /start answers per user as the server records them (cheap for 10,000 users)."""

    def __init__(self, api: FakeBotAPI, ids: list[int]) -> None:
        self._wanted = set(ids)
        self.count: Counter[int] = Counter()
        self.last_at = 0.0
        api.on_record = self._record

    def _record(self, method: str, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        if method == "sendMessage" and chat_id in self._wanted and GREETING in params["text"]:
            self.count[chat_id] += 1
            self.last_at = time.monotonic()

    @property
    def users(self) -> int:
        return len(self.count)


@dataclass(frozen=True)
class BurstFaults:
    updates: int
    answered_before_restart: int
    never_answered: int
    answered_twice: int


async def burst_with(
    count: int, stop: Callable[[BotProcess], None], after: float, graceful: bool
) -> BurstFaults:
    async with fake_api() as (api, workdir):
        bot = await start_bot(api, workdir, {}, "bot-1")
        greetings = Greetings(api, burst(api, count))
        await api.world.notify()
        await asyncio.sleep(after)
        stop(bot)
        if graceful:
            await bot.wait(timeout=60)
        else:
            await bot.process.wait()
        before = greetings.users
        bot = await start_bot(api, workdir, {}, "bot-2")
        await api.world.wait_for(lambda: greetings.users == count, timeout=600)
        await asyncio.sleep(2)  # anything answered a second time would show by now
        answers = greetings.count
        await bot.stop(timeout=60)
    return BurstFaults(
        updates=count,
        answered_before_restart=before,
        never_answered=count - len(answers),
        answered_twice=sum(1 for n in answers.values() if n > 1),
    )


async def big_burst(count: int) -> tuple[float, float]:
    """(peak RSS MB, slowest answer in s): all updates are queued at once."""
    async with fake_api() as (api, workdir):
        bot = await start_bot(api, workdir, {}, "bot")
        greetings = Greetings(api, burst(api, count))
        started = time.monotonic()
        await api.world.notify()
        await api.world.wait_for(lambda: greetings.users == count, timeout=900)
        rss = peak_rss_mb(bot.pid)
        await bot.stop(timeout=60)
    return rss, greetings.last_at - started


def print_broadcast(title: str, figures: BroadcastFaults) -> None:
    print(title)
    print(
        f"  recipients {figures.recipients}, delivered {figures.delivered}, uncertain "
        f"{figures.uncertain}, failed {figures.failed}, lost {figures.lost}, duplicates "
        f"{figures.duplicates}; after resend: lost {figures.lost_after_resend}, duplicates "
        f"{figures.duplicates_after_resend}; {figures.elapsed:.0f} s"
    )


def print_burst(title: str, figures: BurstFaults) -> None:
    print(title)
    print(
        f"  {figures.updates} updates, {figures.answered_before_restart} answered before the "
        f"restart; after it: never answered {figures.never_answered}, answered twice "
        f"{figures.answered_twice}"
    )


async def main(which: set[str]) -> None:
    if "kills" in which:
        print_broadcast(
            "broadcast 1,000 at 25/s, 3 SIGKILLs", await broadcast_with_kills(1000, 25, 3)
        )
    if "outage" in which:
        print_broadcast(
            "broadcast 1,000 at 25/s, 10 s of 500s", await broadcast_through_outage(1000, 25, 10)
        )
    if "sigkill" in which:
        figures = await burst_with(3000, lambda bot: bot.kill(), 2.0, graceful=False)
        print_burst("3,000 /start, SIGKILL at 2 s", figures)
    if "sigterm" in which:
        figures = await burst_with(3000, lambda bot: bot.process.terminate(), 2.0, graceful=True)
        print_burst("3,000 /start, SIGTERM at 2 s", figures)
    if "rss" in which:
        rss, slowest = await big_burst(10_000)
        print(f"10,000 /start at once: peak RSS {rss:.0f} MB, slowest answer {slowest:.1f} s")


if __name__ == "__main__":
    choices = ["kills", "outage", "sigkill", "sigterm", "rss"]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", choices=choices, help="run only these")
    args = parser.parse_args()
    asyncio.run(main(set(args.only or choices)))
