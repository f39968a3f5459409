"""Organisers' seminar tools through real HTTP: create with bad input on the way, roles,
and moving and cancelling a seminar with its registrants told and its reminders moved."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.formatting import format_datetime
from bot.i18n import Translator
from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.models import RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, RunBot

TZ = ZoneInfo("Asia/Yekaterinburg")
REFUSAL = "только организаторам"
REMINDER_MARK = "Напоминание о семинаре"
ALLOWED_LATENESS = 30.0


def local_input(moment: datetime) -> str:
    return f"{moment.astimezone(TZ):%d.%m.%Y %H:%M}"


async def read_seminars(db_path: Path) -> list[Seminar]:
    db = Database(db_path)
    await db.connect()
    try:
        return await Repositories(db).seminars.all()
    finally:
        await db.close()


async def test_admin_creates_a_seminar_through_the_dialog_and_a_non_admin_cannot(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(5001, "Ольга", username="olga")
    outsider = fake_api.user(1001, "Анна")
    await run_bot(env={"ADMIN_IDS": str(admin.id)})

    await outsider.send("/new_seminar")
    refusal = await outsider.wait_message(REFUSAL)

    await admin.send("/new_seminar")
    await admin.wait_message("название")
    await admin.send("Гранты для НКО: с чего начать")
    await admin.wait_message("описание")
    await admin.send("Разберём, где искать гранты и как написать заявку.")
    await admin.wait_message("ДД.ММ.ГГГГ ЧЧ:ММ")
    for wrong, expected in (
        ("31.02.2027 10:00", "не бывает"),
        ("когда-нибудь", "Не понял дату"),
        (local_input(datetime.now(UTC) - timedelta(days=1)), "уже прошло"),
    ):
        await admin.send(wrong)
        await admin.wait_message(expected)
    starts_at = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    await admin.send(local_input(starts_at))
    await admin.wait_message("место")
    await admin.send("Тюмень, ул. Республики, 1")
    await admin.wait_message("сколько мест")
    await admin.send("тридцать")
    await admin.wait_message("целое число")
    await admin.send("30")
    card = await admin.wait_message("так его карточку увидят участники")
    assert card.contains("Гранты для НКО: с чего начать")
    assert card.contains("Разберём, где искать гранты") and card.contains("всего мест: 30")
    assert any(text.startswith("Опубликовать") for text in card.buttons)

    await admin.press("Опубликовать", message_id=card.message_id)
    published = await admin.wait_message(f"https://t.me/{BOT_USERNAME}?start=seminar_")
    match = re.search(r"start=seminar_(\d+)", published.text or "")
    assert match is not None
    [seminar] = await read_seminars(tmp_path / "bot.sqlite3")
    assert int(match.group(1)) == seminar.id
    assert (seminar.starts_at, seminar.capacity, seminar.place) == (
        starts_at,
        30,
        "Тюмень, ул. Республики, 1",
    )

    await outsider.send(f"/start seminar_{seminar.id}")
    participant_card = await outsider.wait_message("Гранты для НКО: с чего начать")
    assert participant_card.contains("Тюмень, ул. Республики, 1")
    assert any("Записаться" in text for text in participant_card.buttons)

    # A non-admin replaying the admin's buttons changes nothing.
    for data in ("adm_new:publish", f"adm_cancel:{seminar.id}:yes", f"adm_edit:{seminar.id}:"):
        query_id = await outsider.press_data(data, message_id=refusal.message_id)
        answer = await fake_api.wait_callback_answer(query_id)
        assert REFUSAL in answer.get("text", "")
    assert await read_seminars(tmp_path / "bot.sqlite3") == [seminar]
    fake_api.assert_no_rejections()


async def seed(
    db_path: Path, starts_at: datetime, registrants: list[tuple[FakeUser, RegistrationStatus]]
) -> Seminar:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        seminar = await repos.seminars.create(
            "Соцпредпринимательство: старт", "", starts_at, "Тюмень", 1, None, now
        )
        for user, status in registrants:
            await repos.users.record_seen(
                user.id, user.first_name, None, user.username, user.language_code, now
            )
            await repos.registrations.insert(seminar.id, user.id, status, now)
        return seminar
    finally:
        await db.close()


async def test_moving_and_cancelling_tell_registrants_and_move_reminders(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(5001, "Ольга", username="olga")
    anna = fake_api.user(2001, "Анна", language_code="ru")
    boris = fake_api.user(2002, "Boris", username="boris", language_code="en")
    now = datetime.now(UTC)
    old_start = (now + timedelta(days=10)).replace(second=0, microsecond=0)
    await seed(
        tmp_path / "bot.sqlite3",
        old_start,
        [(anna, RegistrationStatus.CONFIRMED), (boris, RegistrationStatus.WAITLIST)],
    )
    # Times are typed to the minute, so the lead time is chosen to make the one reminder
    # of the moved seminar fall due about 15 s from now; at the old time it was days away.
    new_start = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    reminder_due = now + timedelta(seconds=15)
    offset = int((new_start - reminder_due).total_seconds())
    await run_bot(env={"ADMIN_IDS": str(admin.id), "REMINDER_OFFSETS": f"{offset}s"})

    await admin.send("/edit_seminar")
    await admin.wait_message("Какой семинар изменить")
    await admin.press("Соцпредпринимательство: старт")
    await admin.wait_message("Что изменить")
    await admin.press("Дата и время")
    await admin.wait_message(local_input(old_start))
    await admin.send(local_input(new_start))
    await admin.wait_message("изменено")

    translator = Translator.load()
    ru, en = translator.for_language("ru"), translator.for_language("en")
    moved_ru = await anna.wait_message("перенесён")
    assert moved_ru.contains(f"Было: {format_datetime(old_start, TZ, ru)}")
    assert moved_ru.contains(f"Стало: {format_datetime(new_start, TZ, ru)}")
    moved_en = await boris.wait_message("has moved")
    assert moved_en.contains(f"Was: {format_datetime(old_start, TZ, en)}")
    assert moved_en.contains(f"Now: {format_datetime(new_start, TZ, en)}")

    await anna.wait_message(
        REMINDER_MARK,
        timeout=(reminder_due - datetime.now(UTC)).total_seconds() + ALLOWED_LATENESS,
    )
    early = (reminder_due - datetime.now(UTC)).total_seconds()
    assert early <= 1.0, f"the reminder came {early:.1f}s before its moved time"

    await admin.send("/cancel_seminar")
    await admin.wait_message("Какой семинар отменить")
    await admin.press("Соцпредпринимательство: старт")
    await admin.wait_message("получат уведомление")
    await admin.press("Да")
    await admin.wait_message("отменён")
    await anna.wait_message("отменён организаторами")
    await boris.wait_message("has been cancelled")
    [stored] = await read_seminars(tmp_path / "bot.sqlite3")
    assert stored.status is SeminarStatus.CANCELLED
    await anna.send(f"/start seminar_{stored.id}")
    await anna.wait_message("Семинар отменён организаторами")
    fake_api.assert_no_rejections()
