"""What people see when things go wrong: a failing first write, a repeated update,
an anonymous group admin, an over-long pop-up."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.app import App
from bot.middlewares import ALERT_MAX, CallbackAnswers
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession

STAFF_CHAT = -1001234
ANONYMOUS_ADMIN = User(id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot")


@pytest.fixture
def broken_first_write(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    async def locked(*args: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(app.dispatcher.workflow_data["users"], "seen", locked)


@pytest.mark.usefixtures("broken_first_write")
async def test_a_failing_first_write_still_gets_the_apology_in_the_users_language(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(1, "en"), "/start"))
    [apology] = session.texts(1)
    assert apology.startswith("Something went wrong.")
    await feed(app, updates.callback(updates.tg_user(2), "sem:list"))
    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.show_alert is True and "Что-то пошло не так" in (answer.text or "")


async def test_an_update_delivered_again_is_handled_once(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    start = updates.message(updates.tg_user(3), "/start")
    await feed(app, start)
    await feed(app, start)  # Telegram sends it again after a crash
    assert len(session.of_type(SendMessage)) == 1
    press = updates.callback(updates.tg_user(3), "lang:en")
    await feed(app, press)
    await feed(app, press)
    assert len(session.of_type(AnswerCallbackQuery)) == 1


def anonymous_message(updates: UpdateFactory, text: str, reply_to_bot: bool = False) -> Update:
    chat = Chat(id=STAFF_CHAT, type="supergroup", title="Staff")
    replied = None
    if reply_to_bot:
        replied = Message(
            message_id=5,
            date=datetime.now(UTC),
            chat=chat,
            from_user=User(id=123456, is_bot=True, first_name="Seminars"),
            text="Вопрос №1",
        )
    update = updates.message(ANONYMOUS_ADMIN, text, chat_id=STAFF_CHAT)
    assert update.message is not None
    message = update.message.model_copy(
        update={"chat": chat, "sender_chat": chat, "reply_to_message": replied}
    )
    return update.model_copy(update={"message": message})


async def test_an_anonymous_group_admin_is_asked_to_answer_from_their_own_account(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, anonymous_message(updates, "Ответ на вопрос", reply_to_bot=True))
    await feed(app, anonymous_message(updates, "/questions"))
    await feed(app, anonymous_message(updates, "коллеги, кто завтра дежурит?"))
    replies = session.texts(STAFF_CHAT)
    assert len(replies) == 2
    assert all("от своего аккаунта" in reply for reply in replies)


def test_a_pop_up_text_is_cut_to_what_telegram_accepts() -> None:
    query = CallbackQuery(
        id="1", from_user=User(id=1, is_bot=False, first_name="A"), chat_instance="c", data="x"
    )
    answer = CallbackAnswer(answered=False, text="Семинар «" + "очень " * 60 + "»")
    method = CallbackAnswers().answer(query, answer)
    assert method.text is not None and len(method.text) == ALERT_MAX
    assert method.text.endswith("…")
