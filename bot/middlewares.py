"""Middlewares: per-update log line, the current user and their language, the render context,
handler tracing."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from bot.clock import Clock
from bot.formatting import RenderContext
from bot.i18n import Tr, Translator, pick_language
from bot.services.users import TelegramIdentity, UserDirectory
from bot.settings import Settings
from storage.database import Database
from storage.repositories import Repositories

log = logging.getLogger("bot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

ALERT_MAX = 200  # characters Telegram accepts in a callback answer


@dataclass
class UpdateTrace:
    """Filled in while an update travels through the routers, read when it is logged."""

    handler: str = "-"
    press_answered: bool = False  # a button press answered by CallbackAnswers


class UpdateLogMiddleware(BaseMiddleware):
    """One line per update: id, user id, handler, milliseconds. Never names or text."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace = UpdateTrace()
        data["trace"] = trace
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await handler(event, data)
        except Exception:
            outcome = "error"
            raise
        finally:
            user = data.get("event_from_user")
            log.info(
                "update id=%s type=%s user=%s handler=%s ms=%.1f outcome=%s",
                event.update_id if isinstance(event, Update) else "-",
                event.event_type if isinstance(event, Update) else type(event).__name__,
                user.id if user else "-",
                trace.handler,
                (time.perf_counter() - started) * 1000,
                outcome,
            )


class HandlerTraceMiddleware(BaseMiddleware):
    """Inner middleware: notes which handler took the update."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace = data.get("trace")
        handler_object = data.get("handler")
        if isinstance(trace, UpdateTrace) and isinstance(handler_object, HandlerObject):
            callback = handler_object.callback
            trace.handler = f"{callback.__module__}.{callback.__qualname__}"
        return await handler(event, data)


class UserContextMiddleware(BaseMiddleware):
    """Records who wrote and hands handlers `user`, `repos`, `tr`, `is_admin`."""

    def __init__(
        self, db: Database, users: UserDirectory, translator: Translator, settings: Settings
    ) -> None:
        self._db = db
        self._users = users
        self._translator = translator
        self._settings = settings

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        repos = Repositories(self._db)
        data["repos"] = repos
        from_user: TelegramUser | None = data.get("event_from_user")
        if from_user is None or from_user.is_bot:
            data["user"] = None
            data["is_admin"] = False
            data["tr"] = self._translator.for_language(pick_language(None, None))
            return await handler(event, data)
        # Before the first database write: if it fails, the apology still has a language.
        data["tr"] = self._translator.for_language(pick_language(None, from_user.language_code))
        chat: Chat | None = data.get("event_chat")
        user = await self._users.seen(
            from_user.id,
            TelegramIdentity(
                from_user.first_name,
                from_user.last_name,
                from_user.username,
                from_user.language_code,
            ),
            in_private=chat is not None and chat.type == "private",
        )
        data["user"] = user
        data["is_admin"] = self._settings.is_admin(user.id)
        lang = pick_language(user.language, user.language_code)
        if chat is not None and chat.id == self._settings.staff_chat_id:
            lang = self._settings.staff_language  # the staff chat speaks one language
        data["tr"] = self._translator.for_language(lang)
        return await handler(event, data)


class AnonymousAdminMiddleware(BaseMiddleware):
    """A group admin posting anonymously (as the group) is told to answer as themselves.

    Telegram shows such a message as sent by the group, so the bot cannot tell who
    wrote it; only commands and replies to the bot get the explanation, so anonymous
    chatter in a staff chat is left alone.
    """

    def __init__(self, bot_id: int) -> None:
        self._bot_id = bot_id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        message = event.message if isinstance(event, Update) else None
        if (
            message is None
            or message.sender_chat is None
            or message.sender_chat.id != message.chat.id
        ):
            return await handler(event, data)
        replied = message.reply_to_message
        to_bot = (message.text or "").startswith("/") or (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == self._bot_id
        )
        if to_bot:
            tr: Tr = data["tr"]
            await message.reply(tr("errors.anonymous_admin"))
        return None


class RenderContextMiddleware(BaseMiddleware):
    """Hands handlers `ctx`: the reader's messages, TIMEZONE and the moment of the update.

    Runs after `UserContextMiddleware`, which has picked the reader's language.
    """

    def __init__(self, tz: ZoneInfo, clock: Clock, free_of_charge: bool) -> None:
        self._tz = tz
        self._clock = clock
        self._free_of_charge = free_of_charge

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["ctx"] = RenderContext(data["tr"], self._tz, self._clock(), self._free_of_charge)
        return await handler(event, data)


class CallbackAnswers(CallbackAnswerMiddleware):
    """Answers every button press exactly once; when the handler fails, with the apology.

    The error handler runs after this middleware has already answered, and Telegram
    refuses a second answer, so the apology has to be this answer. A press that fails
    before reaching this middleware is answered by the error handler. Pop-up texts are
    cut to what Telegram accepts.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace = data.get("trace")
        if isinstance(trace, UpdateTrace):
            trace.press_answered = True  # here or below; the error handler must not answer

        async def apologise_on_error(event: TelegramObject, data: dict[str, Any]) -> Any:
            try:
                return await handler(event, data)
            except Exception:
                answer = data.get("callback_answer")
                tr: Tr | None = data.get("tr")
                if isinstance(answer, CallbackAnswer) and tr is not None:
                    answer.text = tr("errors.internal")
                    answer.show_alert = True
                raise

        return await super().__call__(apologise_on_error, event, data)

    def answer(self, event: CallbackQuery, callback_answer: CallbackAnswer) -> AnswerCallbackQuery:
        # Telegram refuses a pop-up text over 200 characters, and the press stays unanswered.
        text = callback_answer.text
        if text is not None and len(text) > ALERT_MAX:
            callback_answer.text = text[: ALERT_MAX - 1] + "…"
        return super().answer(event, callback_answer)
