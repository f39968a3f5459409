"""Last resorts: a failing or forged button gets one useful answer, a sticker gets a hint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Chat, Location, Message, Update

from bot.app import App
from storage.repositories import Repositories
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession


async def test_a_failing_button_is_answered_once_with_the_apology(
    app: App,
    session: RecordingSession,
    updates: UpdateFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime.now(UTC)
    seminar = await Repositories(app.db).seminars.create(
        "Семинар", "", now + timedelta(days=1), "Тюмень", 5, None, now
    )

    def broken(*args: object) -> bytes:
        raise RuntimeError("calendar failed")

    monkeypatch.setattr("handlers.seminars.seminar_ics", broken)
    await feed(app, updates.callback(updates.tg_user(1001), f"sem:ics:{seminar.id}"))

    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.show_alert is True
    assert answer.text is not None and "Что-то пошло не так" in answer.text


@pytest.mark.parametrize(
    "data",
    [
        f"sem:reg:{2**63}",
        f"sem:card:{10**30}",
        f"rem:yes:{2**64}",
        f"qans:{10**20}",
        "sem:ics:-1",
    ],
)
async def test_ids_beyond_sqlite_integers_are_out_of_date_buttons(
    app: App, session: RecordingSession, updates: UpdateFactory, data: str
) -> None:
    await feed(app, updates.callback(updates.tg_user(1001), data))

    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.text is not None and "устарела" in answer.text


async def test_a_non_text_message_outside_dialogs_gets_a_hint(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = updates.tg_user(1001, language_code="en")
    message = Message(
        message_id=5,
        date=datetime.now(UTC),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        location=Location(latitude=57.15, longitude=65.53),
    )
    await feed(app, Update(update_id=1, message=message))

    assert session.texts(1001) == [
        "I can only read text. Please type your question in words, or see the commands: /help."
    ]
