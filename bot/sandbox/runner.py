"""`python -m bot sandbox`: the real bot, a local Bot API server and the web chat page.

Everything runs in this one process on 127.0.0.1: the fake Bot API on a free port,
the bot pointed at it through TELEGRAM_API_URL and driven by a clock the page can move
forward, and the page on SANDBOX_PORT (8080). Its database is its own file, never
DATABASE_PATH; it is filled with sample seminars the first time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_app, run_polling
from bot.clock import utc_now
from bot.logging_setup import setup_logging
from bot.sandbox.clock import SandboxClock
from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.people import (
    BOT_NAME,
    BOT_USERNAME,
    CROWD,
    ORGANISER,
    SANDBOX_TOKEN,
    STAFF_CHAT_ID,
)
from bot.sandbox.seed import seed_once
from bot.sandbox.web import SandboxWeb
from bot.services.faq_file import FaqFileError
from bot.settings import Settings, SettingsError, load_settings
from storage.database import Database

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DATABASE = Path("data/sandbox.sqlite3")


class SandboxRefused(Exception):
    """A one-line reason not to start."""


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description="Try the bot in a browser, without Telegram (127.0.0.1 only).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SANDBOX_PORT") or DEFAULT_PORT),
        help="port of the web page (default: SANDBOX_PORT or 8080)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DATABASE,
        help="the sandbox's own SQLite file (default: data/sandbox.sqlite3)",
    )
    parser.add_argument(
        "--frozen-clock",
        type=_local_moment,
        metavar="'YYYY-MM-DD HH:MM'",
        help=(
            "start the sandbox clock at this time (TIMEZONE) and keep it still except for "
            "fast-forward: the same pictures on every run (make screenshots)"
        ),
    )
    return parser.parse_args(argv)


def _local_moment(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError("expected 'YYYY-MM-DD HH:MM'") from None


def sandbox_clock(settings: Settings, frozen_at: datetime | None) -> SandboxClock:
    """Real time by default; a still clock from `frozen_at` (local time) when asked.

    SandboxRefused if `frozen_at` is not in the future.
    """
    if frozen_at is None:
        return SandboxClock()
    moment = frozen_at.replace(tzinfo=settings.timezone).astimezone(UTC)
    if moment <= utc_now():
        # The bot's scheduler runs on real time: jobs dated in the real past fire at once.
        raise SandboxRefused("--frozen-clock must be a moment in the future")
    return SandboxClock(lambda: moment)


def sandbox_settings(database: Path) -> Settings:
    """The settings from .env/environment, checked, with the sandbox's own values on top."""
    settings = load_settings(bot_token=SANDBOX_TOKEN)
    if settings.webhook_url:
        raise SandboxRefused(
            "The sandbox does not start while WEBHOOK_URL is set (that is the real bot's "
            "setting): remove it from .env or the environment"
        )
    if database.resolve() == settings.database_path.resolve():
        raise SandboxRefused(
            f"The sandbox database {database} is DATABASE_PATH, the real bot's data: "
            "choose another file with --database"
        )
    return settings.model_copy(
        update={
            "database_path": database,
            "admin_ids": frozenset({ORGANISER.user_id}),
            "staff_chat_id": STAFF_CHAT_ID,
            "webhook_url": None,
        }
    )


async def _seed(settings: Settings, clock: SandboxClock) -> None:
    db = Database(settings.database_path)
    await db.connect()
    try:
        await seed_once(db, settings.timezone, clock)
    finally:
        await db.close()


async def serve(settings: Settings, port: int, clock: SandboxClock) -> None:
    """Run until SIGINT/SIGTERM. SandboxRefused if the port is taken."""
    api = FakeBotAPI(
        SANDBOX_TOKEN,
        bot_username=BOT_USERNAME,
        bot_first_name=BOT_NAME,
        clock=lambda: int(clock().timestamp()),
    )
    for person in CROWD:
        api.user(person.user_id, person.first_name, person.last_name, person.username)
    await api.start()
    try:
        settings = settings.model_copy(update={"telegram_api_url": api.base_url})
        app = build_app(settings, clock=clock)

        async def fast_forward(delta: timedelta) -> None:
            clock.advance(delta)
            # The sweep sends whatever became due; the page sees the new time at once.
            await app.reminders.sweep()
            await api.world.notify()

        web = SandboxWeb(api, clock, app.translator, settings.timezone, fast_forward)
        try:
            await web.start(HOST, port)
        except OSError:
            raise SandboxRefused(
                f"Port {port} on {HOST} is taken: stop what uses it, or choose another port "
                "with --port or SANDBOX_PORT"
            ) from None

        async def announce() -> None:
            # After the bot's own start-up: from this line on the page answers.
            print(
                f"Sandbox, the bot without Telegram: open http://{HOST}:{port} "
                f"(listens on {HOST} only; data in {settings.database_path}; "
                "BOT_TOKEN in .env runs the real bot; Ctrl+C stops)",
                flush=True,
            )

        app.dispatcher.startup.register(announce)
        try:
            await _seed(settings, clock)
            await run_polling(app)
        finally:
            await web.stop()
    finally:
        await api.stop()


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    try:
        settings = sandbox_settings(args.database)
        clock = sandbox_clock(settings, args.frozen_clock)
    except (SettingsError, SandboxRefused) as exc:
        print(exc, file=sys.stderr)
        return 2
    # Quiet unless asked: the console keeps the one line that says where to go.
    level = settings.log_level if "log_level" in settings.model_fields_set else "WARNING"
    setup_logging(level, [])
    try:
        asyncio.run(serve(settings, args.port, clock))
    except (SandboxRefused, FaqFileError, SettingsError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0
