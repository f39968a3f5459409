"""A Bot API session that records: every call gets a plausible result and is kept, so a
test reads what the bot sent. Used by handler and service tests alike."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetMe, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, User

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

    def buttons(self, chat_id: int | None = None) -> dict[str, str]:
        """Text → callback data of the last inline keyboard sent (optionally to one chat)."""
        for call in reversed(self.calls):
            if chat_id is not None and getattr(call, "chat_id", None) != chat_id:
                continue
            markup = getattr(call, "reply_markup", None)
            if isinstance(markup, InlineKeyboardMarkup):
                return keyboard_buttons(markup)
        raise AssertionError("no inline keyboard sent")


def keyboard_buttons(markup: InlineKeyboardMarkup | None) -> dict[str, str]:
    """Text → callback data of every button of an inline keyboard, in order."""
    assert isinstance(markup, InlineKeyboardMarkup), "no inline keyboard"
    return {b.text: b.callback_data or "" for row in markup.inline_keyboard for b in row}
