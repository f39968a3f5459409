"""`python -m bot` runs the bot; `backup PATH` copies the live database; `sandbox` runs the
bot without Telegram, against a local Bot API server and a web chat page (bot/sandbox/);
`report --from DATE --to DATE --out DIR` writes the funders' report (XLSX and DOCX)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.logging_setup import guard_output, setup_logging
from bot.services.faq_file import FaqFileError
from bot.settings import Settings, SettingsError, load_report_settings, load_settings
from storage.database import Database

USAGE = (
    "usage: python -m bot [backup PATH | sandbox [--port N] [--database PATH]"
    " | report --from DATE --to DATE --out DIR]"
)


async def _backup(database: Path, target: Path) -> None:
    db = Database(database)
    await db.connect()
    try:
        await db.backup(target)
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    # Before anything can print: a token given in the environment is scrubbed already.
    guard_output([os.environ.get("BOT_TOKEN", "")])
    if argv[:1] == ["sandbox"]:
        # Imported here: the production bot never loads the sandbox's server and page.
        from bot.sandbox import runner

        return runner.main(argv[1:])
    if argv[:1] == ["report"]:
        return _report(argv[1:])
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    secrets = [settings.bot_token.get_secret_value()]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    setup_logging(settings.log_level, secrets)
    if argv[:1] == ["backup"]:
        if len(argv) != 2:
            print(USAGE, file=sys.stderr)
            return 2
        asyncio.run(_backup(settings.database_path, Path(argv[1])))
        print(f"backup written to {argv[1]}")
        return 0
    if argv:
        print(USAGE, file=sys.stderr)
        return 2
    return _run(settings)


def _report(args: list[str]) -> int:
    """The report reads only the database: no BOT_TOKEN, and only its own settings checked."""
    # Imported here: the bot itself never needs the report writers.
    from bot.report_cli import run_report

    try:
        settings = load_report_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, [os.environ.get("BOT_TOKEN", "")])
    return run_report(settings, args)


def _run(settings: Settings) -> int:
    # Imported only now: a settings error is reported before aiogram's seconds of import.
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.app import build_app, run_polling, run_webhook

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
