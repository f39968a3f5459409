"""Webhook mode: an aiohttp server that takes updates Telegram POSTs to WEBHOOK_URL.

Every request must carry WEBHOOK_SECRET in `X-Telegram-Bot-Api-Secret-Token`; anything
else gets 401 and is not read. An authenticated body that is not JSON, or not an
Update, gets 400 and one log line with its size only (never its content). There is no
access log: one line per request would let anyone who reaches the port fill the log.
An update is answered 200 only after it was handled, so an update the bot dies on is
sent again by Telegram (`bot.handled_updates` skips it if it was handled after all).
On SIGTERM the server stops accepting and gives requests in flight DRAIN_SECONDS to
finish.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import ValidationError

from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def secret_matches(header: str, secret: str) -> bool:
    """Constant-time comparison that also takes a header with non-ASCII characters."""
    return hmac.compare_digest(
        header.encode("utf-8", "surrogateescape"), secret.encode("utf-8", "surrogateescape")
    )


class UpdateRequestHandler(SimpleRequestHandler):
    """aiogram's handler with the checks above; an update is answered once it was handled."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
        super().__init__(dispatcher=dispatcher, bot=bot, handle_in_background=False)
        self._secret = secret

    async def handle(self, request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), self._secret):
            return web.Response(text="Unauthorized", status=401)
        body = await request.read()
        try:
            raw: Any = json.loads(body)
            update = Update.model_validate(raw, context={"bot": self.bot})
        except (ValueError, ValidationError):
            # ValidationError's text quotes the input: the body may be a user's message.
            log.warning("webhook: refused a body of %d bytes that is not an Update", len(body))
            return web.Response(text="Bad Request", status=400)
        await self._feed(update)
        return web.json_response({})

    async def _feed(self, update: Update) -> None:
        result = await self.dispatcher.feed_update(self.bot, update, **self.data)
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=self.bot, result=result)


async def serve_webhook(app: App) -> None:
    """Serve until SIGTERM/SIGINT; the caller has connected the database."""
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    dispatcher = app.dispatcher

    web_app = web.Application()
    UpdateRequestHandler(dispatcher, app.bot, secret).register(
        web_app, path=webhook_path(settings.webhook_url)
    )
    setup_application(web_app, dispatcher, bot=app.bot)

    runner = web.AppRunner(
        web_app, handle_signals=False, access_log=None, shutdown_timeout=DRAIN_SECONDS
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise SettingsError(
            f"Invalid setting: WEBHOOK_HOST/WEBHOOK_PORT: cannot listen on"
            f" {settings.webhook_host}:{settings.webhook_port} ({exc.strerror or exc})"
        ) from None
    # Registered once the port listens, so the first update Telegram sends finds it open.
    try:
        await app.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    except TelegramBadRequest as exc:
        await runner.cleanup()
        raise SettingsError(
            f"Invalid setting: WEBHOOK_URL was refused by the Bot API server: {exc.message}"
        ) from None
    log.info("webhook registered; listening on %s:%s", settings.webhook_host, settings.webhook_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.bot.session.close()
