"""Webhook mode: an aiohttp server that takes updates Telegram POSTs to WEBHOOK_URL.

Every request must carry WEBHOOK_SECRET in `X-Telegram-Bot-Api-Secret-Token`;
aiogram's handler answers anything else with 401 and handles nothing. An update is
answered 200 only after it was handled, so an update the bot dies on is sent again by
Telegram (`bot.handled_updates` skips it if it was handled after all). On SIGTERM the
server stops accepting and gives requests in flight DRAIN_SECONDS to finish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiogram.exceptions import TelegramBadRequest
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


async def serve_webhook(app: App) -> None:
    """Serve until SIGTERM/SIGINT; the caller has connected the database."""
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    dispatcher = app.dispatcher

    async def register_webhook() -> None:
        await app.bot.set_webhook(
            url=settings.webhook_url or "",
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        log.info(
            "webhook registered; listening on %s:%s", settings.webhook_host, settings.webhook_port
        )

    dispatcher.startup.register(register_webhook)
    web_app = web.Application()
    SimpleRequestHandler(
        dispatcher=dispatcher, bot=app.bot, secret_token=secret, handle_in_background=False
    ).register(web_app, path=webhook_path(settings.webhook_url))
    setup_application(web_app, dispatcher, bot=app.bot)

    runner = web.AppRunner(web_app, handle_signals=False, shutdown_timeout=DRAIN_SECONDS)
    try:
        await runner.setup()
    except TelegramBadRequest as exc:
        await runner.cleanup()
        raise SettingsError(
            f"Invalid setting: WEBHOOK_URL was refused by the Bot API server: {exc.message}"
        ) from None
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise SettingsError(
            f"Invalid setting: WEBHOOK_HOST/WEBHOOK_PORT: cannot listen on"
            f" {settings.webhook_host}:{settings.webhook_port} ({exc.strerror or exc})"
        ) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.bot.session.close()
