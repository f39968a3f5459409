"""`python -m bot` runs the bot; `python -m bot backup PATH` copies the live database;
`python -m bot report --from DATE --to DATE --out DIR` writes the funders' report."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

from bot.app import build_app, run_polling, run_webhook
from bot.logging_setup import setup_logging
from bot.report_cli import run_report
from bot.services.faq_file import FaqFileError
from bot.settings import SettingsError, load_settings
from storage.database import Database

USAGE = "usage: python -m bot [backup PATH | report --from DATE --to DATE --out DIR]"


async def _backup(database: Path, target: Path) -> None:
    db = Database(database)
    await db.connect()
    try:
        await db.backup(target)
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, [settings.bot_token.get_secret_value()])
    if argv[:1] == ["backup"]:
        if len(argv) != 2:
            print(USAGE, file=sys.stderr)
            return 2
        asyncio.run(_backup(settings.database_path, Path(argv[1])))
        print(f"backup written to {argv[1]}")
        return 0
    if argv[:1] == ["report"]:
        return run_report(settings, argv[1:])
    if argv:
        print(USAGE, file=sys.stderr)
        return 2
    app = build_app(settings)
    try:
        asyncio.run(run_webhook(app) if settings.webhook_url else run_polling(app))
    except (FaqFileError, SettingsError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except TelegramUnauthorizedError:
        print(
            "Invalid setting: BOT_TOKEN was refused by Telegram (401 Unauthorized)", file=sys.stderr
        )
        return 2
    except TelegramNetworkError as exc:
        # systemd (deploy/seminar-bot.service) starts the bot again a few seconds later.
        print(f"Cannot reach the Telegram Bot API: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
