"""Online seminars and what attendance feeds, through real HTTP against the bot process.

An online seminar is created through `/new_seminar` with its meeting link; only seat
holders ever receive the link, by pressing Join, which records online attendance. After
a seminar has ended, exports say who came, /stats gives the rate and the organisers get
a summary.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, RunBot
from tests.e2e.test_checkin import ADMIN_ID, ANNA, BORIS, OLEG, Person, attendance_rows
from tests.fakeapi import FakeBotAPI
from tests.fakeapi.state import BotMessage

TZ = ZoneInfo("Asia/Yekaterinburg")
FIRST_LINK = "https://zoom.us/j/111222333"
SECOND_LINK = "https://zoom.us/j/444555666"


async def seed_people(db_path: Path, people: tuple[Person, ...]) -> None:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        for person in people:
            await repos.users.record_seen(person.user_id, person.first_name, None, None, "ru", now)
            await repos.profiles.save(
                person.user_id, person.full_name, person.organisation, "+79990000000", now, now
            )
    finally:
        await db.close()


def mentions(messages: list[BotMessage], text: str) -> bool:
    return any(text in (m.source or m.text or "") or text in str(m.reply_markup) for m in messages)


async def test_online_seminar_link_reaches_only_seat_holders_and_records_attendance(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await seed_people(db_path, (ANNA, BORIS, OLEG))
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    boris = fake_api.user(BORIS.user_id, BORIS.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name)
    await run_bot({"ADMIN_IDS": str(ADMIN_ID)})

    starts = datetime.now(UTC) + timedelta(minutes=20)
    await admin.send("/new_seminar")
    for answer in ("Онлайн-школа НКО", "-", f"{starts.astimezone(TZ):%d.%m.%Y %H:%M}"):
        await admin.wait_message()
        await admin.send(answer)
    await admin.wait_message("место")
    await admin.send("Онлайн, Zoom")
    await admin.wait_message("формат")
    await admin.send("1")  # the capacity right away: in person, changed on the preview
    in_person = await admin.wait_message("Проверьте семинар")
    assert "Формат: Очно" in (in_person.text or "")
    await admin.press("Онлайн", message_id=in_person.message_id)
    await admin.wait_message("ссылка")
    await admin.send("not a link")
    await admin.wait_message("https://")
    await admin.send(FIRST_LINK)
    preview = await admin.wait_message("Проверьте семинар")
    assert "Формат: Онлайн" in (preview.text or "") and FIRST_LINK in (preview.text or "")
    await admin.press("Опубликовать", message_id=preview.message_id)
    published = await admin.wait_message("start=seminar_")
    match = re.search(rf"t\.me/{BOT_USERNAME}\?start=(seminar_\d+)", published.text or "")
    assert match is not None
    deep_link = match.group(1)

    # Anna takes the only seat; her card carries Join, the card text never the link.
    await anna.send(f"/start {deep_link}")
    card = await anna.wait_message("Формат: Онлайн")
    assert FIRST_LINK not in (card.text or "")
    await anna.press("Записаться", message_id=card.message_id)
    seat = await anna.wait_message("Онлайн-школа НКО")
    assert any("Подключиться" in button for button in seat.buttons)
    await anna.press("Подключиться", message_id=seat.message_id)
    await anna.wait_message(FIRST_LINK)
    assert attendance_rows(db_path) == [(ANNA.user_id, "online", "join", None)]

    # Boris is waitlisted and Oleg not registered: no Join, and forged presses get nothing.
    await boris.send(f"/start {deep_link}")
    boris_card = await boris.wait_message("Формат: Онлайн")
    await boris.press("Лист ожидания", message_id=boris_card.message_id)
    waiting = await boris.wait_message("Онлайн-школа НКО")
    assert not any("Подключиться" in button for button in waiting.buttons)
    join_data = next(b["callback_data"] for b in seat.inline_buttons if "Подключиться" in b["text"])
    for outsider, message in ((boris, waiting), (oleg, None)):
        if message is None:
            await outsider.send(f"/start {deep_link}")
            message = await outsider.wait_message("Формат: Онлайн")
        query = await outsider.press_data(join_data, message.message_id)
        answer = await fake_api.wait_callback_answer(query)
        assert "только участникам" in answer.get("text", "")
        await outsider.assert_no_new_messages(within=0.5)
        assert not mentions(outsider.messages, "zoom.us")

    # A changed link is what the next press returns.
    await admin.send("/edit_seminar")
    await admin.wait_message("Какой семинар")
    await admin.press("Онлайн-школа НКО")
    await admin.wait_message("Что изменить")
    await admin.press("Ссылка на встречу")
    await admin.wait_message(FIRST_LINK)
    await admin.send(SECOND_LINK)
    await admin.wait_message("изменено")
    await anna.press("Подключиться", message_id=seat.message_id)
    await anna.wait_message(SECOND_LINK)
    assert attendance_rows(db_path) == [(ANNA.user_id, "online", "join", None)]
    assert not mentions(boris.messages + oleg.messages, "zoom.us")
    fake_api.assert_no_rejections()


async def seed_past_seminar(db_path: Path) -> tuple[int, int]:
    """A seminar that ended an hour ago (one in person, one online, one no-show) and one ahead."""
    await seed_people(db_path, (ANNA, BORIS, OLEG))
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        past = await repos.seminars.create(
            "Прошедший семинар", "", now - timedelta(hours=3), "Тюмень", 10, None, now
        )
        ahead = await repos.seminars.create(
            "Будущий семинар", "", now + timedelta(days=2), "Тюмень", 10, None, now
        )
        marks = {ANNA: AttendanceKind.IN_PERSON, BORIS: AttendanceKind.ONLINE}
        for person in (ANNA, BORIS, OLEG):
            registration = await repos.registrations.insert(
                past.id, person.user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=1)
            )
            if person in marks:
                await repos.attendance.mark(
                    registration.id, marks[person], MarkMethod.LIST, ADMIN_ID, now
                )
            await repos.registrations.insert(
                ahead.id, person.user_id, RegistrationStatus.CONFIRMED, now
            )
        return past.id, ahead.id
    finally:
        await db.close()


def csv_of(message: BotMessage) -> list[list[str]]:
    raw = message.document_bytes
    assert raw is not None
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def has_document(suffix: str) -> Callable[[BotMessage], bool]:
    def check(message: BotMessage) -> bool:
        return (message.document_name or "").endswith(suffix)

    return check


async def test_attendance_in_exports_stats_and_the_organisers_summary(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    past_id, ahead_id = await seed_past_seminar(db_path)
    admin = fake_api.user(ADMIN_ID, "Ирина")
    env = {"ADMIN_IDS": str(ADMIN_ID)}
    bot = await run_bot(env)

    summary = (await admin.wait_message("Итоги семинара «Прошедший семинар»")).text or ""
    assert "Пришли: 2 из 3 записавшихся" in summary
    assert "Очно: 1, онлайн: 1" in summary
    assert "Не пришли: 1" in summary
    assert "Не использовано мест: 8 из 10" in summary

    await admin.send(f"/export {past_id}")
    header, *rows = csv_of(await admin.wait_message(predicate=has_document(".csv")))
    column = header.index("Посещение")
    by_name = {row[1]: row[column] for row in rows}
    assert by_name == {
        ANNA.full_name: "attended",
        BORIS.full_name: "online",
        OLEG.full_name: "no-show",
    }
    xlsx = await admin.wait_message(predicate=has_document(".xlsx"))
    assert xlsx.document_bytes is not None
    sheet = load_workbook(io.BytesIO(xlsx.document_bytes))["Участники"]
    values = sorted(str(sheet.cell(row, column + 1).value) for row in range(2, 5))
    assert values == ["attended", "no-show", "online"]

    await admin.send(f"/export {ahead_id}")
    header, *rows = csv_of(await admin.wait_message(predicate=has_document(".csv")))
    assert [row[header.index("Посещение")] for row in rows] == ["", "", ""]

    await admin.send("/stats")
    stats = (await admin.wait_message("Статистика")).text or ""
    assert "Посещаемость прошедших семинаров" in stats
    assert "Прошедший семинар: пришли 2 из 3 (67%)" in stats

    # The summary is sent once: a restart does not repeat it.
    assert await bot.stop() == 0
    await run_bot(env)
    await admin.send("/help")
    await admin.wait_message("/seminars")
    assert sum("Итоги семинара" in (m.text or "") for m in admin.messages) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM attendance_summaries").fetchone() == (1,)
    fake_api.assert_no_rejections()
