"""Every Bot API call honours `429 Too Many Requests: retry after N`.

Telegram's flood limit is per bot, so a 429 on any call (a reply, a button answer,
a progress edit) pauses the shared pacer for everyone who sends in bulk, waits the
time Telegram asked for, and tries the call again. After a few rounds the error goes
to the caller (the Sender counts it; a handler's error reaches the error handler).
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.services.pacing import SendPacer

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_RETRIES = 3

# Set by the outbox around its requests: it puts a delivery refused with 429 back in the
# queue itself rather than hold the claim through the wait.
no_retry_after: ContextVar[bool] = ContextVar("no_retry_after", default=False)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, pacer: SendPacer, max_retries: int = MAX_RETRIES) -> None:
        self._pacer = pacer
        self._max_retries = max_retries

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        retries = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                # Polling has its own back-off in aiogram.
                if (
                    method.__api_method__ == "getUpdates"
                    or no_retry_after.get()
                    or retries == self._max_retries
                ):
                    raise
                retries += 1
                log.warning(
                    "429 on %s: waiting %ss (retry %d)",
                    method.__api_method__,
                    exc.retry_after,
                    retries,
                )
                self._pacer.pause(exc.retry_after)
                await asyncio.sleep(exc.retry_after)
