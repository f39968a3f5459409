"""Delivery of bot-initiated messages with pacing, 429 handling and unreachable users.

Replies to a user's own action go straight through aiogram; deliveries to many people
(broadcasts, reminders, notices) go through the outbox (`bot.services.outbox`); the few
other messages the bot sends on its own (organisers' summaries, answers to questions)
go through `Sender`, which shares the outbox's pace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InputFile

from bot.services.pacing import SendPacer

log = logging.getLogger(__name__)

_GONE_CHAT_MARKERS = ("chat not found", "user is deactivated", "peer_id_invalid")


class Delivery(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot, deleted the account, or the chat is gone
    FAILED = "failed"


async def refused(
    chat_id: int,
    exc: TelegramForbiddenError | TelegramBadRequest,
    on_unreachable: Callable[[int], Awaitable[None]],
) -> Delivery:
    """A refusal that no retry changes: an unreachable user (marked inactive) or a bad request."""
    if isinstance(exc, TelegramForbiddenError):
        log.info("user %s is unreachable (403); marking inactive", chat_id)
        await on_unreachable(chat_id)
        return Delivery.BLOCKED
    if any(marker in exc.message.lower() for marker in _GONE_CHAT_MARKERS):
        log.info("chat %s is gone; marking inactive", chat_id)
        await on_unreachable(chat_id)
        return Delivery.BLOCKED
    log.error("Telegram refused a message to %s: %s", chat_id, exc.message)
    return Delivery.FAILED


class Sender:
    def __init__(
        self,
        bot: Bot,
        pacer: SendPacer,
        on_unreachable: Callable[[int], Awaitable[None]],
        max_attempts: int = 4,
        max_rate_limit_waits: int = 20,
        backoff_base: float = 0.5,
    ) -> None:
        self.bot = bot
        self.pacer = pacer
        self._on_unreachable = on_unreachable
        self._max_attempts = max_attempts
        self._max_rate_limit_waits = max_rate_limit_waits
        self._backoff_base = backoff_base

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Delivery:
        return await self.deliver(chat_id, lambda: self.bot.send_message(chat_id, text, **kwargs))

    async def send_document(self, chat_id: int, document: InputFile, **kwargs: Any) -> Delivery:
        return await self.deliver(
            chat_id, lambda: self.bot.send_document(chat_id, document, **kwargs)
        )

    async def copy_message(
        self, chat_id: int, from_chat_id: int, message_id: int, **kwargs: Any
    ) -> Delivery:
        return await self.deliver(
            chat_id,
            lambda: self.bot.copy_message(
                chat_id=chat_id, from_chat_id=from_chat_id, message_id=message_id, **kwargs
            ),
        )

    async def deliver(self, chat_id: int, call: Callable[[], Awaitable[Any]]) -> Delivery:
        failures = 0
        rate_limit_waits = 0
        while True:
            await self.pacer.acquire()
            try:
                await call()
                return Delivery.SENT
            except TelegramRetryAfter as exc:
                rate_limit_waits += 1
                log.warning("429 from Telegram: pausing sends for %ss", exc.retry_after)
                self.pacer.pause(exc.retry_after)
                if rate_limit_waits > self._max_rate_limit_waits:
                    return Delivery.FAILED
            except (TelegramForbiddenError, TelegramBadRequest) as exc:
                return await refused(chat_id, exc, self._on_unreachable)
            except (TelegramServerError, TelegramNetworkError) as exc:
                failures += 1
                if failures >= self._max_attempts:
                    log.error("giving up on %s after %d attempts: %s", chat_id, failures, exc)
                    return Delivery.FAILED
                await asyncio.sleep(self._backoff_base * 2 ** (failures - 1))
