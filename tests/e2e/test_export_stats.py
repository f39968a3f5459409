"""Admin exports and /stats through real HTTP: the bot process against the fake Bot API.

The story is seeded into the SQLite file before the bot starts; the admin asks for the
export and statistics, a participant tries the same and gets only a refusal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from storage.database import Database
from tests.e2e.conftest import RunBot
from tests.export_seed import (
    ANNA,
    FORMULA,
    FORMULA_NAME,
    REGISTERED_BEFORE,
    WAIT_1,
    WAIT_2,
    Story,
    seed_story,
)

ADMIN_ID = 7001
TZ = ZoneInfo("Asia/Yekaterinburg")  # the default TIMEZONE


async def seed(db_path: Path, now: datetime) -> Story:
    db = Database(db_path)
    await db.connect()
    try:
        return await seed_story(db, now)
    finally:
        await db.close()


def has_document(suffix: str) -> Callable[[BotMessage], bool]:
    def check(message: BotMessage) -> bool:
        return (message.document_name or "").endswith(suffix)

    return check


async def test_admin_exports_both_files_and_sees_stats_participant_gets_nothing(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    story = await seed(tmp_path / "bot.sqlite3", now)
    # Known to the fake server before start-up, so the admin's command menu can be set.
    admin = fake_api.user(ADMIN_ID, "Admin", username="boss")
    stranger = fake_api.user(ANNA.user_id, "Anna", username=ANNA.username)
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID)})

    sid = story.seminar.id
    day = f"{story.seminar.starts_at.astimezone(TZ):%Y-%m-%d}"
    name = f"seminar-{sid}-socialnoe-predprinimatelstvo-start-{day}"
    await admin.send(f"/export {sid}")
    csv_message = await admin.wait_message(predicate=has_document(".csv"))
    xlsx_message = await admin.wait_message(predicate=has_document(".xlsx"))
    assert csv_message.document_name == f"{name}.csv"
    assert xlsx_message.document_name == f"{name}.xlsx"

    raw = csv_message.document_bytes
    assert raw is not None and raw.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    assert header[:3] == ["№", "ФИО", "Организация"]
    assert [row[6] for row in rows] == ["confirmed"] * 3 + ["waitlist"] * 2 + ["cancelled"]
    assert [row[1] for row in rows[3:5]] == [WAIT_1.full_name, WAIT_2.full_name]
    assert [row[8] for row in rows] == ["", "", "", "1", "2", ""]
    assert rows[0][1:6] == [ANNA.full_name, ANNA.organisation, ANNA.phone, "anna_ngo", "101"]
    registered = (now - REGISTERED_BEFORE).astimezone(TZ)
    assert rows[0][9] == f"{registered:%d.%m.%Y %H:%M}"
    assert rows[1][1] == "'" + FORMULA_NAME
    assert rows[1][5] == str(FORMULA.user_id)
    assert rows[2][1] == "удалено по запросу"
    assert rows[2][2:6] == ["", "", "", ""]

    xlsx = xlsx_message.document_bytes
    assert xlsx is not None
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Участники"]
    assert sheet.freeze_panes == "A2"
    assert sheet["B3"].value == FORMULA_NAME
    assert sheet["B3"].data_type == "s"
    assert sheet["B4"].value == "удалено по запросу"
    assert sheet["F4"].value is None
    assert [sheet.cell(row, 7).value for row in range(2, 8)] == [r[6] for r in rows]
    assert sheet["J2"].value == registered.replace(tzinfo=None)

    await admin.send("/export")
    await admin.wait_message("Выберите семинар")
    await admin.press(story.seminar.title)
    from_button = await admin.wait_message(predicate=has_document(".csv"))
    assert from_button.document_name == f"{name}.csv"
    await admin.wait_message(predicate=has_document(".xlsx"))
    await admin.send("/export all")
    everything = await admin.wait_message(predicate=has_document(".xlsx"))
    assert everything.document_name == f"seminars-all-{now.astimezone(TZ):%Y-%m-%d}.xlsx"
    all_bytes = everything.document_bytes
    assert all_bytes is not None
    assert load_workbook(io.BytesIO(all_bytes)).sheetnames[0] == "Сводка"

    await stranger.send(f"/export {sid}")
    await stranger.wait_message("только организаторам")
    await stranger.send("/stats")
    await stranger.wait_message("только организаторам")
    await stranger.assert_no_new_messages()
    assert all(message.document is None for message in stranger.messages)

    await admin.send("/stats")
    stats = (await admin.wait_message("Статистика")).text or ""
    # Six seeded people plus the admin; the participant who tried /stats is one of them.
    assert "Всего: 7\nАктивные: 6\nЗаблокировали бота: 1" in stats
    assert "Предстоящие: 1\nПрошедшие: 1\nОтменённые: 1" in stats
    assert "Подтверждённые: 4" in stats
    assert "В листе ожидания: 2" in stats
    assert "Отменённые: 1" in stats
    assert "3 из 3 мест (100%), ещё 2 человека в листе ожидания" in stats
    assert "Открытые: 1\nОтвеченные: 3\nМедианное время ответа: 2 часа" in stats
    assert "3 получателя; доставлено: 2, заблокировали бота: 1" in stats
    fake_api.assert_no_rejections()
