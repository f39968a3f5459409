"""End-to-end: a SIGTERM in the middle of a dialog loses nothing; the dialog goes on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import RunBot
from tests.e2e.test_registration import seed, statuses


async def test_sigterm_mid_dialog_then_the_dialog_continues(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    seminar = await seed(db_path, capacity=5)
    anna = fake_api.user(1001, "Анна", language_code="ru")
    bot = await run_bot(db_path=db_path)

    await anna.send(f"/start seminar_{seminar.id}")
    await anna.wait_message("Записаться")
    await anna.press("Записаться")
    await anna.wait_message("/forget_me")
    await anna.press("Согласен")
    await anna.wait_message("Шаг 1 из 3")
    await anna.send("Анна Петрова")
    await anna.wait_message("Шаг 2 из 3")

    assert await bot.stop() == 0
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM registrations").fetchone() == (0,)

    await run_bot(db_path=db_path)
    await anna.send("НКО «Добро»")
    await anna.wait_message("Шаг 3 из 3")
    await anna.send("+7 912 345-67-89")
    await anna.wait_message("записаны")
    assert statuses(db_path, seminar.id) == {1001: "confirmed"}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(
            "SELECT full_name, organisation, phone FROM profiles WHERE user_id = 1001"
        ).fetchone() == ("Анна Петрова", "НКО «Добро»", "+79123456789")
    fake_api.assert_no_rejections()
