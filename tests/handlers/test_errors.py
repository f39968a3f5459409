"""Failures and forged buttons: one answer per button press, with a useful text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery

from bot.app import App
from storage.repositories import Repositories
from tests.handlers.rig import RecordingSession, UpdateFactory, feed


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
