"""Broadcast throughput against the fake Bot API: efficiency, duplicates and 429s.

Run by hand from the project root: ``python -m benchmarks.broadcast``
(optionally ``--recipients N``, ``--rate R`` (BROADCAST_RATE), ``--server-limit L``).
Efficiency = delivered ÷ (elapsed × BROADCAST_RATE): 1.0 means the broadcast ran
exactly at the configured pace; elapsed runs from pressing Send to the report.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from storage.database import Database
from storage.repositories import Repositories
from tests.fakeapi.process import build_env, spawn, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "123456:TEST-token_ABCdef"
ADMIN_ID = 500_000


async def seed(api: FakeBotAPI, db_path: Path, recipients: int) -> None:
    db = Database(db_path)
    await db.connect()
    async with db.transaction() as tx:
        users = Repositories(tx).users
        for user_id in range(1, recipients + 1):
            await users.record_seen(user_id, "User", None, None, "ru", datetime.now(UTC))
            api.user(user_id, username=None)
    await db.close()


@dataclass(frozen=True)
class BroadcastFigures:
    recipients: int
    delivered: int
    elapsed: float
    efficiency: float
    duplicates: int
    rate_limited: int


async def run(recipients: int, rate: float, server_limit: float) -> BroadcastFigures:
    async with FakeBotAPI(TOKEN) as api:
        workdir = Path(tempfile.mkdtemp(prefix="broadcast-bench-"))
        db_path = workdir / "bot.sqlite3"
        await seed(api, db_path, recipients)
        admin = api.user(ADMIN_ID, first_name="Admin")
        api.set_rate_limit(server_limit)
        env = build_env(
            {
                "BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": api.base_url,
                "DATABASE_PATH": str(db_path),
                "ADMIN_IDS": str(ADMIN_ID),
                "BROADCAST_RATE": str(rate),
                "LOG_LEVEL": "WARNING",
            },
            None,
        )
        bot = await spawn("bot", env, ROOT, workdir, "bot")
        try:
            await wait_until_ready(api, bot, since=0)
            await admin.send("/broadcast")
            menu = await admin.wait_message("Кому отправить рассылку")
            await admin.press("Всем", message_id=menu.message_id)
            await admin.wait_edit(menu.message_id, "Отправьте сообщение")
            source_id = await admin.send("Benchmark announcement")
            # The preview (a copy of the announcement) carries the Send button.
            preview = await admin.wait_message(
                "Benchmark announcement", predicate=lambda m: bool(m.buttons)
            )
            limited_before = api.count_429
            started = time.monotonic()
            await admin.press("Отправить", message_id=preview.message_id)
            await admin.wait_message("Доставлено", timeout=recipients / rate * 3 + 60)
            elapsed = time.monotonic() - started
        finally:
            bot.kill()
            await bot.process.wait()

    received = Counter(
        params["chat_id"]
        for params in api.calls("copyMessage")
        if params["from_chat_id"] == ADMIN_ID and params["message_id"] == source_id
    )
    received[ADMIN_ID] -= 1  # the preview copy
    delivered = sum(1 for count in received.values() if count > 0)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    return BroadcastFigures(
        recipients=recipients + 1,
        delivered=delivered,
        elapsed=elapsed,
        efficiency=delivered / (elapsed * rate),
        duplicates=duplicates,
        rate_limited=api.count_429 - limited_before,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE")
    parser.add_argument("--server-limit", type=float, default=30.0, help="fake server's limit/s")
    args = parser.parse_args()
    figures = asyncio.run(run(args.recipients, args.rate, args.server_limit))
    print(f"recipients:   {figures.recipients} (incl. the admin)")
    print(f"rate:         BROADCAST_RATE={args.rate:g}/s, server limit {args.server_limit:g}/s")
    print(f"delivered:    {figures.delivered}")
    print(f"elapsed:      {figures.elapsed:.1f} s (ideal {figures.recipients / args.rate:.1f} s)")
    print(f"efficiency:   {figures.efficiency:.3f}")
    print(f"duplicates:   {figures.duplicates}")
    print(f"429s:         {figures.rate_limited}")


if __name__ == "__main__":
    main()
