"""Seminars and registration through real HTTP: the bot process against the fake Bot API."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot

TITLE = "Социальное предпринимательство для НКО"


async def seed(
    db_path: Path, capacity: int, profiles: range = range(0), title: str = TITLE
) -> Seminar:
    """The seminar (and optionally users with profiles) written before the bot starts."""
    db = Database(db_path)
    await db.connect()
    try:
        now = datetime.now(UTC)
        repos = Repositories(db)
        seminar = await repos.seminars.create(
            title,
            "Практикум",
            now + timedelta(days=3),
            "Тюмень, ул. Республики, 1",
            capacity,
            None,
            now,
        )
        for user_id in profiles:
            await repos.users.record_seen(user_id, f"U{user_id}", None, None, "ru", now)
            await repos.profiles.save(
                user_id, f"Участник {user_id}", "НКО", f"+7912000{user_id:04d}", now, now
            )
        return seminar
    finally:
        await db.close()


def statuses(db_path: Path, seminar_id: int) -> dict[int | None, str]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT user_id, status FROM registrations WHERE seminar_id = ? ORDER BY id",
            (seminar_id,),
        ).fetchall()
    return {user_id: status for user_id, status in rows}


async def fill_profile(user: FakeUser, name: str, organisation: str, phone: str) -> BotMessage:
    await user.wait_message("/forget_me")
    await user.press("Согласен")
    await user.wait_message("фамилию, имя и отчество")
    await user.send(name)
    await user.wait_message("организацию")
    await user.send(organisation)
    await user.wait_message("телефон")
    await user.send(phone)
    return await user.wait_message("профиль сохранён")


async def test_capacity_two_story(fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    seminar = await seed(db_path, capacity=2)
    await run_bot()
    a = fake_api.user(2001, "Anna", username="anna")
    b = fake_api.user(2002, "Boris", username="boris")
    c = fake_api.user(2003, "Clara", username="clara")

    # A: list → card → register, through the whole profile dialog with bad answers.
    await a.send("/seminars")
    listing = await a.wait_message(TITLE)
    assert "осталось 2 места" in (listing.text or "")
    await a.press(TITLE)
    card = await a.wait_message("Практикум")
    assert "Вы пока не записаны" in (card.text or "")
    await a.press("Записаться")
    consent = await a.wait_message("/forget_me")
    assert "ФИО" in (consent.text or "") and "администратор" in (consent.text or "")
    await a.press("Согласен")
    await a.wait_message("фамилию, имя и отчество")
    await a.send("Ф" * 5000)
    await a.wait_message("не больше 200")
    await a.send("Анна Смирнова")
    await a.wait_message("организацию")
    await a.send("🎉🎉🎉")
    await a.wait_message("буквы")
    await a.send("АНО «Забота»")
    phone_question = await a.wait_message("телефон")
    assert phone_question.reply_keyboard == ["📱 Отправить мой номер"]
    await a.send("123")
    await a.wait_message("Не похоже на номер")
    await a.send("8 912 555-01-01")
    # One message: the profile is saved and the seat is taken.
    assert "Вы записаны" in (await a.wait_message("профиль сохранён")).text

    # B: deep link, phone shared with the contact button.
    await b.send(f"/start seminar_{seminar.id}")
    await b.wait_message("осталось 1 место")
    await b.press("Записаться")
    await b.wait_message("/forget_me")
    await b.press("Согласен")
    await b.wait_message("фамилию")
    await b.send("Борис Петров")
    await b.wait_message("организацию")
    await b.send("Фонд «Будущее»")
    await b.wait_message("телефон")
    await b.send_contact("79125550202")
    assert "Вы записаны" in (await b.wait_message("профиль сохранён")).text

    # C: the seminar is full, so the card offers the waitlist.
    await c.send(f"/start seminar_{seminar.id}")
    full = await c.wait_message("Мест нет — можно встать в лист ожидания")
    assert not any("Записаться" in text for text in full.buttons)
    await c.press("Лист ожидания")
    queued = await fill_profile(c, "Клара Цеткина", "Союз НКО", "+7 912 555-03-03")
    assert "номер в очереди: 1" in (queued.text or "")

    # A cancels (with confirmation); C is promoted and told, naming the seminar.
    await a.send("/my")
    await a.wait_message("Мои записи")
    await a.press(TITLE)
    await a.wait_message("Вы записаны.")
    await a.press("Отменить запись")
    await a.wait_message("Вы уверены")
    await a.press("Да")
    await a.wait_message("отменена")
    promoted = await c.wait_message("Освободилось место")
    assert TITLE in (promoted.text or "")
    await c.send("/my")
    my = await c.wait_message("Мои записи")
    assert "✅" in (my.text or "") and TITLE in (my.text or "")
    assert statuses(db_path, seminar.id) == {
        2001: "cancelled",
        2002: "confirmed",
        2003: "confirmed",
    }

    # Calendar file.
    await c.press(TITLE)
    await c.wait_message("Вы записаны.")
    await c.press("Добавить в календарь")
    document = await c.wait_message(predicate=lambda m: m.document is not None)
    assert (document.document_name or "").endswith(".ics")
    [event] = Calendar.from_ical(document.document_bytes or b"").walk("VEVENT")
    assert str(event["summary"]) == TITLE
    assert event.decoded("dtstart") == seminar.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)

    # Forged buttons and bad deep links: a clear answer, nothing changes.
    query = await c.press_data("sem:reg:99999", message_id=document.message_id)
    assert "Такого семинара нет" in (await fake_api.wait_callback_answer(query))["text"]
    query = await c.press_data("sem:cancel_yes:abc", message_id=document.message_id)
    assert "устарела" in (await fake_api.wait_callback_answer(query))["text"]
    await b.send("/start seminar_999999")
    await b.wait_message("Такого семинара нет")
    await b.send("/start seminar_<b>")
    await b.wait_message("Такого семинара нет")
    assert statuses(db_path, seminar.id)[2003] == "confirmed"

    # /forget_me: A's phone and name leave the database file and its WAL.
    await a.send("/forget_me")
    await a.wait_message("нельзя отменить")
    await a.press("Да, удалить")
    await a.wait_message("данные удалены")
    stored = b"".join(
        p.read_bytes() for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists()
    )
    assert b"+79125550101" not in stored
    assert "Анна Смирнова".encode() not in stored
    assert b"+79125550303" in stored  # C's profile is untouched
    fake_api.assert_no_rejections()


async def test_hundred_users_press_register_at_once(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    ids = range(3001, 3101)
    seminar = await seed(db_path, capacity=10, profiles=ids)
    await run_bot()
    users = [fake_api.user(user_id, f"U{user_id}", username=None) for user_id in ids]
    for user in users:
        await user.send(f"/start seminar_{seminar.id}")
    cards = [await user.wait_message("осталось 10 мест", timeout=30) for user in users]

    await asyncio.gather(
        *(
            user.press("Записаться", message_id=card.message_id)
            for user, card in zip(users, cards, strict=True)
        )
    )
    replies = [
        await user.wait_message(
            predicate=lambda m: m.contains("Вы записаны") or m.contains("номер в очереди"),
            timeout=60,
        )
        for user in users
    ]

    confirmed = [u.id for u, r in zip(users, replies, strict=True) if r.contains("Вы записаны")]
    waitlisted = [
        u.id for u, r in zip(users, replies, strict=True) if r.contains("номер в очереди")
    ]
    assert len(confirmed) == 10 and len(waitlisted) == 90
    # In order of arrival: the first ten presses got the seats.
    assert confirmed == list(ids[:10])
    for place, (user, reply) in enumerate(zip(users[10:], replies[10:], strict=True), start=1):
        assert f"номер в очереди: {place}." in (reply.text or ""), user.id
    stored = statuses(db_path, seminar.id)
    assert sorted(stored.values()).count("confirmed") == 10
    assert sorted(stored.values()).count("waitlist") == 90
    fake_api.assert_no_rejections()
