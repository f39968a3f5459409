"""Feedback after a seminar, through real HTTP against the bot process.

A seminar ends; FEEDBACK_DELAY later its attendees get the survey, rate it, answer
(one answer too long), skip; a forwarded survey pressed by someone else is refused;
/feedback shows the results. A participant surveyed a day ago without a rating gets
one reminder, and a restart does not send a second.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from storage.database import Database
from storage.models import (
    AttendanceKind,
    DeliveryStatus,
    MarkMethod,
    Priority,
    RegistrationStatus,
)
from storage.repositories import Repositories
from storage.repositories.feedback import SURVEY_KIND
from tests.e2e.conftest import RunBot
from tests.e2e.test_checkin import ADMIN_ID, ANNA, BORIS, OLEG
from tests.e2e.test_online_and_attendance import has_document, seed_people

TITLE = "Сторителлинг для НКО"
OLD_TITLE = "Фандрайзинг весной"


async def seed_seminars(db_path: Path) -> None:
    """One seminar ending in a few seconds (Anna and Boris came, Oleg did not) and one
    that ended two days ago, whose survey reached Oleg 25 hours ago without an answer."""
    await seed_people(db_path, (ANNA, BORIS, OLEG))
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        ending = await repos.seminars.create(
            TITLE,
            "",
            now - timedelta(minutes=60) + timedelta(seconds=3),
            "Тюмень",
            10,
            None,
            now,
            duration_minutes=60,
        )
        for person in (ANNA, BORIS, OLEG):
            registration = await repos.registrations.insert(
                ending.id, person.user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=1)
            )
            if person is not OLEG:
                await repos.attendance.mark(
                    registration.id, AttendanceKind.IN_PERSON, MarkMethod.LIST, ADMIN_ID, now
                )
        old = await repos.seminars.create(
            OLD_TITLE, "", now - timedelta(days=2), "Тюмень", 10, None, now - timedelta(days=5)
        )
        registration = await repos.registrations.insert(
            old.id, OLEG.user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=3)
        )
        surveyed = now - timedelta(hours=25)
        await repos.outbox.enqueue(
            SURVEY_KIND, str(registration.id), Priority.BULK, [OLEG.user_id], surveyed
        )
        survey = await repos.outbox.claim_next(surveyed)
        assert survey is not None
        await repos.outbox.settle(survey.id, DeliveryStatus.SENT, surveyed)
    finally:
        await db.close()


async def test_survey_after_the_delay_answers_reminder_once_and_results(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await seed_seminars(db_path)
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    boris = fake_api.user(BORIS.user_id, BORIS.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name)
    env = {"ADMIN_IDS": str(ADMIN_ID), "FEEDBACK_DELAY": "2s"}
    bot = await run_bot(env)

    # The old seminar's reminder reaches Oleg, who had the survey a day ago.
    reminder = await oleg.wait_message(f"Напоминаем: как вам семинар «{OLD_TITLE}»", timeout=60)
    assert reminder.buttons == ["1", "2", "3", "4", "5"]

    survey = await anna.wait_message(f"Как вам семинар «{TITLE}»?", timeout=60)
    await boris.wait_message(f"Как вам семинар «{TITLE}»?", timeout=60)

    await anna.press("4", message_id=survey.message_id)
    await anna.wait_edit(survey.message_id, "Ваша оценка: 4 из 5")
    useful = await anna.wait_message("Что было самым полезным?")
    stale_skip = useful.inline_buttons[0]["callback_data"]
    await anna.send("Разбор историй " + "очень " * 2000)
    await anna.wait_message("сохранены первые 1000 символов")
    topic = await anna.wait_message("Какую тему разобрать на следующих семинарах?")
    # Answered by text: that question's Skip is gone; a stale press of it does nothing.
    assert await fake_api.world.wait_for(lambda: useful.buttons == [], timeout=10)
    query = await anna.press_data(stale_skip, useful.message_id)
    assert "уже ответили" in (await fake_api.wait_callback_answer(query)).get("text", "")
    await anna.press("Пропустить", message_id=topic.message_id)
    await anna.wait_message("Спасибо за отзыв")
    assert topic.buttons == []  # answered by Skip: gone too

    # The same rating again changes nothing; another one replaces it within the week.
    query = await anna.press("4", message_id=survey.message_id)
    assert "уже сохранена" in (await fake_api.wait_callback_answer(query)).get("text", "")
    query = await anna.press("5", message_id=survey.message_id)
    assert "Оценка изменена: 5" in (await fake_api.wait_callback_answer(query)).get("text", "")
    await anna.assert_no_new_messages(within=0.5)

    # Anna's survey forwarded to Oleg: his press is refused and stores nothing.
    data = next(b["callback_data"] for b in survey.inline_buttons if b["text"] == "1")
    await oleg.send("/help")
    own = await oleg.wait_message("/seminars")
    query = await oleg.press_data(data, own.message_id)
    answer = await fake_api.wait_callback_answer(query)
    assert "другому участнику" in answer.get("text", "")
    # Garbage data names no survey at all: not found, not «someone else's».
    query = await oleg.press_data(f"{data.split(':')[0]}:999999:5", own.message_id)
    answer = await fake_api.wait_callback_answer(query)
    assert "не найден" in answer.get("text", "")

    boris_survey = boris.last_message
    assert boris_survey is not None
    await boris.press("2", message_id=boris_survey.message_id)
    await boris.wait_message("Что было самым полезным?")
    await boris.send("Практика")
    await boris.wait_message("Какую тему")
    await boris.send("Отчётность")
    await boris.wait_message("Спасибо за отзыв")

    await admin.send("/feedback")
    picker = await admin.wait_message("Отзывы о каком семинаре")
    await admin.press(TITLE, message_id=picker.message_id)
    shown = await admin.wait_message(f"Отзывы о семинаре «{TITLE}»")
    results = shown.text or ""
    assert "Ответили на опрос: 2 из 2 (100%)" in results
    assert "Средняя оценка: 3,5" in results  # a decimal comma in Russian
    assert "5 — 1" in results and "2 — 1" in results
    assert "Иванова Анна, оценка 5" in results
    assert "Тема: Отчётность" in results

    # The results lead on: to another seminar, and to the export with the feedback sheet.
    await admin.press("Другой семинар", message_id=shown.message_id)
    await admin.wait_message("Отзывы о каком семинаре")
    await admin.press("Выгрузка с отзывами", message_id=shown.message_id)
    xlsx = await admin.wait_message(predicate=has_document(".xlsx"))
    assert xlsx.document_bytes is not None
    sheet = load_workbook(io.BytesIO(xlsx.document_bytes))["Отзывы"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["ФИО", "Оценка", "Самое полезное", "Тема следующих семинаров"]
    assert rows[1][:2] == ["Иванова Анна", 5]
    assert str(rows[1][2]).startswith("Разбор историй") and len(str(rows[1][2])) == 1000
    assert rows[2] == ["Петров Борис", 2, "Практика", "Отчётность"]

    assert not any(TITLE in (m.text or "") for m in oleg.messages)
    # A restart sends neither a second survey nor a second reminder.
    assert await bot.stop() == 0
    await run_bot(env)
    await anna.send("/help")
    await anna.wait_message("/seminars")
    await oleg.send("/help")
    await oleg.wait_message("/seminars")
    assert sum("Напоминаем" in (m.text or "") for m in oleg.messages) == 1
    assert sum(f"Как вам семинар «{TITLE}»" in (m.text or "") for m in anna.messages) == 1
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT kind, COUNT(*) FROM outbox WHERE kind LIKE 'survey%' "
            "GROUP BY kind ORDER BY kind"
        ).fetchall()
    assert rows == [("survey", 3), ("survey_reminder", 1)]
    fake_api.assert_no_rejections()
