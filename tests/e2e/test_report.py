"""The programme report through real HTTP: /report for typed dates and a preset button, both
files opened and checked against a count made here from the SQLite file; the CLI; a
non-admin refused; an empty period answered with words, not files."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document
from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from storage.database import Database
from storage.timecodec import to_db
from tests.e2e.conftest import RunBot, RunBotOnce
from tests.report_seed import ANNA, GONE, PEOPLE, ReportStory, seed_report_story

ADMIN_ID = 7001
TZ = ZoneInfo("Asia/Yekaterinburg")  # the default TIMEZONE
REFUSAL = "только организаторам"
ORGANISATION = "АНО «Центр социальных инноваций»"


async def seed(db_path: Path, now: datetime) -> ReportStory:
    db = Database(db_path)
    await db.connect()
    try:
        return await seed_report_story(db, now)
    finally:
        await db.close()


def independent_count(db_path: Path, story: ReportStory) -> dict[str, int]:
    """The summary's main numbers, counted with SQL of this test's own."""
    start, end = to_db(story.first_day.replace(hour=0)), to_db(story.last_day)
    with sqlite3.connect(db_path) as conn:

        def one(sql: str) -> int:
            return int(conn.execute(sql, (start, end)).fetchone()[0])

        in_period = "s.starts_at >= ? AND s.starts_at < ?"
        held = f"{in_period} AND s.status = 'published'"
        return {
            "held": one(f"SELECT COUNT(*) FROM seminars s WHERE {held}"),
            "cancelled": one(
                f"SELECT COUNT(*) FROM seminars s WHERE {in_period} AND s.status = 'cancelled'"
            ),
            "registrations": one(
                "SELECT COUNT(*) FROM registrations r JOIN seminars s ON s.id = r.seminar_id"
                f" WHERE {held} AND r.status = 'confirmed'"
            ),
            "attended": one(
                "SELECT COUNT(*) FROM attendance a JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held}"
            ),
            "questions": one(
                "SELECT COUNT(*) FROM questions s WHERE s.created_at >= ? AND s.created_at < ?"
            ),
            "forgotten_visits": one(
                "SELECT COUNT(*) FROM attendance a JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held} AND r.user_id IS NULL"
            ),
            "people": one(
                "SELECT COUNT(DISTINCT COALESCE(r.user_id, -r.forgotten_person)) FROM attendance a"
                " JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held}"
            ),
            "returning": one(
                "SELECT COUNT(DISTINCT r.user_id) FROM attendance a"
                " JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held} AND r.user_id IN ("
                "  SELECT r2.user_id FROM attendance a2"
                "  JOIN registrations r2 ON r2.id = a2.registration_id"
                "  JOIN seminars s2 ON s2.id = r2.seminar_id WHERE s2.starts_at < ?1)"
            ),
            "forgotten_people": one(
                "SELECT COUNT(DISTINCT r.forgotten_person) FROM attendance a"
                " JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held} AND r.user_id IS NULL"
            ),
            "repeat": one(
                "SELECT COUNT(*) FROM (SELECT COALESCE(r.user_id, -r.forgotten_person) AS who"
                " FROM attendance a JOIN registrations r ON r.id = a.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held}"
                " GROUP BY who HAVING COUNT(*) >= 2)"
            ),
            "reviews": one(
                "SELECT COUNT(*) FROM feedback f JOIN attendance a USING (registration_id)"
                " JOIN registrations r ON r.id = f.registration_id"
                f" JOIN seminars s ON s.id = r.seminar_id WHERE {held} AND f.rating IS NOT NULL"
            ),
            "faq_answers": one(
                "SELECT COUNT(*) FROM faq_answers WHERE answered_at >= ? AND answered_at < ?"
            ),
        }


def document_named(suffix: str) -> Callable[[BotMessage], bool]:
    def check(message: BotMessage) -> bool:
        return (message.document_name or "").endswith(suffix)

    return check


def dates(story: ReportStory) -> tuple[str, str]:
    return (
        f"{story.first_day.astimezone(TZ):%d.%m.%Y}",
        f"{story.last_day.astimezone(TZ):%d.%m.%Y}",
    )


async def test_report_for_typed_dates_and_a_button_non_admin_refused(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    db_path = tmp_path / "bot.sqlite3"
    story = await seed(db_path, now)
    admin = fake_api.user(ADMIN_ID, "Admin", username="boss")
    anna = fake_api.user(ANNA, "Анна")
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "REPORT_ORGANISATION": ORGANISATION})

    await admin.send("/report")
    menu = await admin.wait_message("За какой период")
    assert menu.buttons == [
        "Этот месяц",
        "Прошлый месяц",
        "Этот квартал",
        "Этот год",
        "Всё время",
    ]
    await admin.send("вчера и сегодня")
    await admin.wait_message("Не понял даты")
    first, last = dates(story)
    await admin.send(f"{first}–{last}")
    await admin.wait_message("Готовлю отчёт")
    xlsx_message = await admin.wait_message(predicate=document_named(".xlsx"), timeout=60)
    docx_message = await admin.wait_message(predicate=document_named(".docx"), timeout=60)
    assert xlsx_message.document_bytes is not None and docx_message.document_bytes is not None

    book = load_workbook(io.BytesIO(xlsx_message.document_bytes))
    assert book.sheetnames == ["Сводка", "Мероприятия", "Посещаемость", "Организации", "Отзывы"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=3, values_only=True)}
    counted = independent_count(db_path, story)
    assert summary["Проведено семинаров"] == counted["held"] == 2
    assert summary["Отменено семинаров"] == counted["cancelled"] == 1
    assert summary["Записи на проведённые семинары"] == counted["registrations"]
    assert summary["Посещения"] == counted["attended"] == 6
    assert summary["Из них посещений людей, удалённых по их запросу"] == counted["forgotten_visits"]
    # The person who used /forget_me is still one of the people, counted without a name.
    assert summary["Участники (разные люди)"] == counted["people"] == 4
    assert summary["Из них удалили свои данные по своему запросу"] == counted["forgotten_people"]
    assert counted["forgotten_people"] == 1
    assert summary["Из них новые"] == counted["people"] - counted["returning"]
    assert summary["Из них вернувшиеся"] == counted["returning"] == 1
    assert summary["Из них были на двух семинарах периода и более"] == counted["repeat"] == 2
    assert summary["Отзывы с оценкой"] == counted["reviews"]
    assert summary["Ответы из справочника (FAQ)"] == counted["faq_answers"] == 2
    assert summary["Задано вопросов"] == counted["questions"]
    assert len(book["Мероприятия"]._charts) == 1
    matrix = " ".join(
        str(v) for row in book["Посещаемость"].iter_rows(values_only=True) for v in row
    )
    assert PEOPLE[ANNA][0] in matrix and PEOPLE[GONE][0] not in matrix

    document = Document(io.BytesIO(docx_message.document_bytes))
    text = "\n".join(p.text for p in document.paragraphs)
    table = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"с {first} по {last}" in text
    for seminar in (story.held, story.moved, story.cancelled):
        assert seminar.title in table
    assert f"{story.moved_planned.astimezone(TZ):%d.%m.%Y %H:%M}" in table
    assert f"{story.moved.starts_at.astimezone(TZ):%d.%m.%Y %H:%M}" in table
    assert f"{story.held.starts_at.astimezone(TZ):%d.%m.%Y %H:%M}" in table
    assert "отменён" in table
    assert f"Проведено {counted['held']} семинара." in text
    assert f"подано {counted['registrations']} заявок" in text
    assert (
        f"Семинары посетили {counted['people']} участника — {counted['attended']} посещений" in text
    )
    assert f"Организация: {ORGANISATION}" in text
    assert document.core_properties.author == ORGANISATION

    await admin.send("/report")
    await admin.wait_message("За какой период")
    await admin.press("Всё время")
    await admin.wait_message("Готовлю отчёт")
    await admin.wait_message(predicate=document_named(".xlsx"), timeout=60)
    everything = await admin.wait_message(predicate=document_named(".docx"), timeout=60)
    assert everything.document_bytes is not None

    await admin.send("/report 01.01.2001–31.12.2001")
    await admin.wait_message("Готовлю отчёт")
    empty = await admin.wait_message("За период 01.01.2001 – 31.12.2001 семинаров нет")
    assert "Всё время" in empty.buttons  # another period is one press away
    await admin.assert_no_new_messages()

    await anna.send("/report")
    await anna.wait_message(REFUSAL)
    query_id = await anna.press_data(
        "adm_rep:all_time", message_id=menu.message_id, chat_id=ADMIN_ID
    )
    answer = await fake_api.wait_callback_answer(query_id)
    assert REFUSAL in answer.get("text", "")
    await anna.assert_no_new_messages()
    assert all(message.document is None for message in anna.messages)
    fake_api.assert_no_rejections()


async def test_report_from_the_command_line(run_bot_once: RunBotOnce, tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    story = await seed(tmp_path / "bot.sqlite3", now)
    first, last = story.first_day.astimezone(TZ).date(), story.last_day.astimezone(TZ).date()
    out = tmp_path / "reports"
    # The report never talks to Telegram: no BOT_TOKEN and no Bot API address needed.
    offline = {"BOT_TOKEN": None, "TELEGRAM_API_URL": None}
    code, stdout, stderr = await run_bot_once(
        env=offline,
        timeout=180,
        args=["report", "--from", f"{first}", "--to", f"{last}", "--out", str(out)],
    )
    assert code == 0, stderr
    written = sorted(out.iterdir())
    assert [path.name for path in written] == [
        f"report-{first}-{last}.docx",
        f"report-{first}-{last}.xlsx",
    ]
    assert all(str(path) in stdout for path in written)
    book = load_workbook(written[1])
    assert book["Сводка"]["B3"].value == 2
    assert story.moved.title in "\n".join(
        c.text for t in Document(str(written[0])).tables for r in t.rows for c in r.cells
    )

    code, stdout, _ = await run_bot_once(
        args=[
            "report",
            "--from",
            "2001-01-01",
            "--to",
            "2001-12-31",
            "--out",
            str(tmp_path / "none"),
        ]
    )
    assert code == 1 and "no seminars" in stdout
    assert not (tmp_path / "none").exists()
    code, _, stderr = await run_bot_once(
        timeout=180,
        args=["report", "--from", "2026-12-31", "--to", "2026-01-01", "--out", str(out)],
    )
    assert code == 2 and "--to must not be before --from" in stderr
    # A setting the report does need, wrong: one line naming it, no traceback.
    code, stdout, stderr = await run_bot_once(
        env={**offline, "TIMEZONE": "Mars/Olympus"},
        args=["report", "--from", f"{first}", "--to", f"{last}", "--out", str(tmp_path / "tz")],
    )
    assert code == 2 and stderr.strip().splitlines() == [
        "Invalid setting: TIMEZONE 'Mars/Olympus' is not an IANA time zone like Asia/Yekaterinburg"
    ]
    assert not (tmp_path / "tz").exists()
