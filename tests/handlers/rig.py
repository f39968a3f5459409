"""Handler-test rig: updates for the real app over a real SQLite file.

A test feeds an `Update` to the dispatcher and reads what the bot sent from the
`RecordingSession` (`tests/recording.py`).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from aiogram.types import (
    CallbackQuery,
    Chat,
    Message,
    MessageEntity,
    Update,
    User,
)

from bot.app import App
from tests.recording import BOT_USER


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
