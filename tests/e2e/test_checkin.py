"""The seminar day through real HTTP: tickets, scanning at the door, the door QR, the list.

Seminars and seat holders are seeded into the SQLite file before the bot starts, with
the seminar starting soon, so the door is open; every QR image the bot sends is decoded
back to its deep link, and the link is opened as a phone camera would open it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from storage.database import Database
from storage.models import RegistrationStatus, Seminar, SeminarFormat
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, RunBot
from tests.qr import decode_qr

ADMIN_ID = 9001
VOLUNTEER_ID = 9002
TICKET_LINK = re.compile(rf"^https://t\.me/{BOT_USERNAME}\?start=(t_[A-Za-z0-9_-]+)$")
DOOR_LINK = re.compile(rf"^https://t\.me/{BOT_USERNAME}\?start=(d_[A-Za-z0-9_-]+)$")


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str
    full_name: str
    organisation: str


ANNA = Person(1001, "Анна", "Иванова Анна", "НКО «Ромашка»")
BORIS = Person(1002, "Борис", "Петров Борис", "Фонд «Берег»")
OLEG = Person(1003, "Олег", "Сидоров Олег", "АНО «Свет»")  # no seat


async def seed(
    db_path: Path,
    title: str,
    starts_at: datetime,
    seated: Sequence[Person],
    everyone: Sequence[Person],
    seminar_format: SeminarFormat = SeminarFormat.IN_PERSON,
    meeting_link: str | None = None,
) -> Seminar:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        for person in everyone:
            await repos.users.record_seen(person.user_id, person.first_name, None, None, "ru", now)
            await repos.profiles.save(
                person.user_id, person.full_name, person.organisation, "+79990000000", now, now
            )
        seminar = await repos.seminars.create(
            title,
            "",
            starts_at,
            "Тюмень, ул. Республики, 1",
            10,
            None,
            now,
            format=seminar_format,
            meeting_link=meeting_link,
        )
        for person in seated:
            await repos.registrations.insert(
                seminar.id, person.user_id, RegistrationStatus.CONFIRMED, now
            )
        return seminar
    finally:
        await db.close()


def attendance_rows(db_path: Path) -> list[tuple[int, str, str, int | None]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            """
            SELECT r.user_id, a.kind, a.method, a.marked_by
            FROM attendance AS a JOIN registrations AS r ON r.id = a.registration_id
            ORDER BY r.user_id
            """
        ).fetchall()


def photo_link(message: BotMessage, pattern: re.Pattern[str]) -> str:
    assert message.photo is not None, "a QR image"
    match = pattern.match(decode_qr(message.photo.data))
    assert match is not None
    return match.group(1)


def is_photo(message: BotMessage) -> bool:
    return message.photo is not None


def commands_of(api: FakeBotAPI, chat_id: int) -> set[str]:
    lists = [
        call["commands"]
        for call in api.calls("setMyCommands")
        if call.get("scope", {}).get("chat_id") == chat_id
    ]
    assert lists, f"no command list for {chat_id}"
    return {command["command"] for command in lists[-1]}


async def test_ticket_scanned_by_organiser_then_volunteer_then_a_stranger(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=20)
    await seed(db_path, "Гранты <для> НКО", starts, [ANNA, BORIS], [ANNA, BORIS, OLEG])
    admin = fake_api.user(ADMIN_ID, "Ирина")
    volunteer = fake_api.user(VOLUNTEER_ID, "Вера")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name)
    await run_bot({"ADMIN_IDS": str(ADMIN_ID), "CHECKIN_IDS": str(VOLUNTEER_ID)})

    assert {"checkin", "export", "stats"} <= commands_of(fake_api, ADMIN_ID)
    volunteer_commands = commands_of(fake_api, VOLUNTEER_ID)
    assert "checkin" in volunteer_commands and "my" in volunteer_commands
    assert not {"export", "stats", "new_seminar"} & volunteer_commands

    await anna.send("/my")
    await anna.wait_message("Гранты <для> НКО")
    await anna.press("Мой билет")
    ticket = await anna.wait_message(predicate=is_photo)
    payload = photo_link(ticket, TICKET_LINK)
    assert len(payload) <= 64
    caption = ticket.text or ""
    assert ANNA.full_name in caption and "Гранты <для> НКО" in caption
    code = re.search(r"Код билета: ([A-Z0-9]{6})", caption)
    assert code is not None
    # The same ticket every time.
    await anna.press("Мой билет")
    assert photo_link(await anna.wait_message(predicate=is_photo), TICKET_LINK) == payload

    await admin.send(f"/start {payload}")
    marked = (await admin.wait_message(ANNA.full_name)).text or ""
    assert marked.startswith("✅")
    assert ANNA.organisation in marked and "Гранты <для> НКО" in marked
    await volunteer.send(f"/start {payload}")
    again = (await volunteer.wait_message(ANNA.full_name)).text or ""
    assert "Уже отмечен" in again and not again.startswith("✅")

    # Whoever else opens the link (a forwarded ticket, the owner herself) sees no data.
    for person in (oleg, anna):
        await person.send(f"/start {payload}")
        told = (await person.wait_message("билет участника")).text or ""
        assert ANNA.full_name not in told and ANNA.organisation not in told
    assert attendance_rows(db_path) == [(ANNA.user_id, "in_person", "ticket", ADMIN_ID)]

    # Forged and truncated tokens mark nobody.
    for forged in ("t_AAAAAAAAAAAAAAAA", payload[:-3], "t_" + "x" * 80, "t_<b>"):
        await admin.send(f"/start {forged}")
        await admin.wait_message("Такого билета нет")
    assert len(attendance_rows(db_path)) == 1

    # The volunteer may check in, and nothing more.
    await volunteer.send("/export")
    await volunteer.wait_message("только организаторам")
    await volunteer.send("/stats")
    await volunteer.wait_message("только организаторам")
    await volunteer.send("/checkin")
    await volunteer.wait_message("Гранты <для> НКО")
    await oleg.send("/checkin")
    await oleg.wait_message("только организаторы и волонтёры")
    fake_api.assert_no_rejections()


async def test_door_qr_self_check_in_walk_in_and_the_manual_list(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=45)
    seminar = await seed(db_path, "Социальный бизнес", starts, [ANNA, BORIS], [ANNA, BORIS, OLEG])
    admin = fake_api.user(ADMIN_ID, "Ирина")
    volunteer = fake_api.user(VOLUNTEER_ID, "Вера")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name, username="oleg_ngo")
    await run_bot({"ADMIN_IDS": str(ADMIN_ID), "CHECKIN_IDS": str(VOLUNTEER_ID)})

    await volunteer.send("/checkin")
    await volunteer.wait_message("Выберите семинар")
    await volunteer.press(seminar.title)
    await volunteer.wait_message("Отмечено: 0 из 2")
    await volunteer.press("QR для входа")
    door = await volunteer.wait_message(predicate=is_photo)
    payload = photo_link(door, DOOR_LINK)

    await anna.send(f"/start {payload}")
    await anna.wait_message("Вы отмечены на семинаре «Социальный бизнес»")
    await anna.send(f"/start {payload}")
    await anna.wait_message("уже отмечены")
    await oleg.send(f"/start {payload}")
    await oleg.wait_message("нет места")
    walk_in = (await admin.wait_message("Без записи")).text or ""
    assert OLEG.full_name in walk_in and "@oleg_ngo" in walk_in and str(OLEG.user_id) in walk_in
    await oleg.send(f"/start {payload}")
    await oleg.wait_message("нет места")
    await admin.assert_no_new_messages(within=1.0)
    assert attendance_rows(db_path) == [(ANNA.user_id, "in_person", "door", None)]

    # The list: alphabetical, each with a toggle; a typed surname or code finds one.
    await volunteer.press("Список")
    roster = await volunteer.wait_message("отмечено 1 из 2")
    assert roster.buttons[0].startswith("✅ Иванова Анна")
    assert roster.buttons[1].startswith("⬜ Петров Борис")
    await volunteer.press("Петров Борис", message_id=roster.message_id)
    await volunteer.wait_edit(roster.message_id, "отмечено 2 из 2")
    assert roster.buttons[1].startswith("✅ Петров Борис")
    assert (BORIS.user_id, "in_person", "list", VOLUNTEER_ID) in attendance_rows(db_path)
    await volunteer.press("Иванова Анна", message_id=roster.message_id)
    await volunteer.wait_edit(roster.message_id, "отмечено 1 из 2")
    assert [row[0] for row in attendance_rows(db_path)] == [BORIS.user_id]

    await volunteer.send("петр")
    found = await volunteer.wait_message("Найдено")
    assert [b.split(" · ")[0] for b in found.buttons] == ["✅ Петров Борис"]
    await volunteer.send("Сидоров")
    await volunteer.wait_message("никого не нашлось")

    # A participant replaying a volunteer's button is refused; nothing changes.
    own = oleg.last_message
    assert own is not None
    query = await oleg.press_data(roster.inline_buttons[0]["callback_data"], own.message_id)
    answer = await fake_api.wait_callback_answer(query)
    assert "организаторы" in answer.get("text", "")
    assert [row[0] for row in attendance_rows(db_path)] == [BORIS.user_id]
    fake_api.assert_no_rejections()


async def test_tickets_and_door_qr_outside_the_seminar_day(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC).replace(microsecond=0)
    later = await seed(db_path, "Через неделю", now + timedelta(days=6), [ANNA], [ANNA])
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    await run_bot({"ADMIN_IDS": str(ADMIN_ID)})

    await anna.send("/my")
    await anna.wait_message(later.title)
    await anna.press("Мой билет")
    payload = photo_link(await anna.wait_message(predicate=is_photo), TICKET_LINK)
    await admin.send(f"/start {payload}")
    await admin.wait_message("Отмечать можно с")
    await admin.send("/checkin")
    await admin.wait_message("Выберите семинар")
    await admin.press(later.title)
    await admin.wait_message("Отмечено")
    await admin.press("QR для входа")
    door = photo_link(await admin.wait_message(predicate=is_photo), DOOR_LINK)
    await anna.send(f"/start {door}")
    await anna.wait_message("откроется")
    await anna.send("/start d_forged_forged_fo")
    await anna.wait_message("не распознан")
    assert attendance_rows(db_path) == []
    fake_api.assert_no_rejections()
