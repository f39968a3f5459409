"""Handler-test rig: the real app over a real SQLite file, with a session that records.

`RecordingSession` answers every Bot API call with a plausible result and keeps the
calls, so a test feeds an `Update` to the dispatcher and reads what the bot sent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetMe, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)

from bot.app import App

BOT_USER = User(id=123456, is_bot=True, first_name="Seminars", username="seminar_test_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self._message_ids = itertools.count(1000)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        self.calls.append(method)
        result: Any = True
        if isinstance(method, GetMe):
            result = BOT_USER
        elif method.__returning__ is Message or "Message" in str(method.__returning__):
            chat_id = getattr(method, "chat_id", 0) or 0
            result = Message(
                message_id=next(self._message_ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(chat_id), type="private"),
                from_user=BOT_USER,
                text=getattr(method, "text", None),
                reply_markup=getattr(method, "reply_markup", None)
                if isinstance(getattr(method, "reply_markup", None), InlineKeyboardMarkup)
                else None,
            )
        if isinstance(result, Message):
            result = result.as_(bot)
        return result  # type: ignore[no-any-return]

    async def close(self) -> None:
        return None

    def stream_content(self, *args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        raise NotImplementedError

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of every sendMessage/editMessageText, optionally to one chat."""
        out = []
        for call in self.calls:
            text = getattr(call, "text", None)
            if text is None:
                continue
            if chat_id is not None and getattr(call, "chat_id", None) != chat_id:
                continue
            out.append(str(text))
        return out

    def of_type(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        return [call for call in self.calls if isinstance(call, kind)]


class UpdateFactory:
    def __init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def tg_user(self, user_id: int, language_code: str = "ru") -> User:
        return User(
            id=user_id,
            is_bot=False,
            first_name=f"User{user_id}",
            username=f"user{user_id}",
            language_code=language_code,
        )

    def message(self, user: User, text: str, chat_id: int | None = None) -> Update:
        entities = None
        if text.startswith("/"):
            command = text.split()[0]
            entities = [MessageEntity(type="bot_command", offset=0, length=len(command))]
        chat = Chat(id=chat_id or user.id, type="private" if chat_id is None else "supergroup")
        return Update(
            update_id=next(self._update_ids),
            message=Message(
                message_id=next(self._message_ids),
                date=datetime.now(UTC),
                chat=chat,
                from_user=user,
                text=text,
                entities=entities,
            ),
        )

    def callback(self, user: User, data: str, message_id: int = 1) -> Update:
        return Update(
            update_id=next(self._update_ids),
            callback_query=CallbackQuery(
                id=str(next(self._update_ids)),
                from_user=user,
                chat_instance="ci",
                data=data,
                message=Message(
                    message_id=message_id,
                    date=datetime.now(UTC),
                    chat=Chat(id=user.id, type="private"),
                    from_user=BOT_USER,
                    text="…",
                ),
            ),
        )


async def feed(app: App, update: Update) -> None:
    """Handle the update, then send the notices it queued in the outbox."""
    await app.dispatcher.feed_update(app.bot, update)
    await app.outbox.run_until_idle()
