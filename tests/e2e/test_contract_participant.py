"""The participant's side read literally from PRODUCT.md, as an outside tester would.

Buttons are found only by the wording PRODUCT.md gives (the first button whose text
contains it), seminars are created through `/new_seminar` as an admin would, and the
bad input a real audience sends (forged buttons, broken links, huge and HTML-like texts,
a blocked user, a restart in the middle of a dialog) must neither crash the bot nor make
it send anything Telegram would refuse.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.e2e.conftest import BOT_USERNAME, RunBot
from tests.fakeapi import FakeBotAPI
from tests.fakeapi.state import BotMessage
from tests.fakeapi.users import FakeUser

TZ = ZoneInfo("Asia/Yekaterinburg")
HTMLISH = "<b>x</b> & <script>"
CONFIRMING = ("Да", "Yes", "Подтвердить", "Confirm")


def text_of(message: BotMessage) -> str:
    return message.text or ""


def starts_with_any(buttons: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(button.casefold().startswith(p.casefold()) for button in buttons for p in prefixes)


async def create_seminar(
    admin: FakeUser,
    title: str,
    description: str,
    starts_at: datetime,
    place: str,
    capacity: int,
) -> int:
    """`/new_seminar` in the order PRODUCT.md gives; returns the id from the deep link."""
    await admin.send("/new_seminar")
    await admin.wait_message()
    for answer in (
        title,
        description,
        f"{starts_at.astimezone(TZ):%d.%m.%Y %H:%M}",
        place,
        str(capacity),
    ):
        await admin.send(answer)
    preview = await admin.wait_message(
        predicate=lambda m: any(b.startswith("Опубликовать") for b in m.buttons)
    )
    await admin.press("Опубликовать", message_id=preview.message_id)
    published = await admin.wait_message("start=seminar_")
    match = re.search(rf"t\.me/{BOT_USERNAME}\?start=seminar_(\d+)", text_of(published))
    assert match is not None, text_of(published)
    admin.api.chat_state(admin.id).consumed.update(m.message_id for m in admin.messages)
    return int(match.group(1))


def user_row(db_path: Path, user_id: int) -> tuple[int, str | None]:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT is_active, language FROM users WHERE id = ?", (user_id,)
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


def registration_statuses(db_path: Path, seminar_id: int) -> dict[int, str]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT user_id, status FROM registrations WHERE seminar_id = ? ORDER BY id",
            (seminar_id,),
        ).fetchall()
    return {int(user_id): str(status) for user_id, status in rows if user_id is not None}


async def register_with_profile(
    user: FakeUser,
    *,
    agree: str,
    name: str,
    organisation: str,
    phone: str | None,
) -> BotMessage:
    """Consent → full name → organisation → phone (typed, or shared when None)."""
    consent = await user.wait_message(predicate=lambda m: bool(m.buttons))
    assert starts_with_any(consent.buttons, (agree,)), consent.buttons
    await user.press(agree)
    await user.wait_message()
    await user.send(name)
    await user.wait_message()
    await user.send(organisation)
    phone_question = await user.wait_message()
    assert phone_question.reply_keyboard, "the phone step offers the share-contact button"
    if phone is None:
        await user.send_contact(f"7912{user.id:07d}")
    else:
        await user.send(phone)
    await user.wait_message()  # the profile is saved
    return await user.wait_message()  # the registration result


async def test_participant_story_in_two_languages_with_bad_input_and_a_restart(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    admin = fake_api.user(9001, "Ирина", username="irina")
    anna = fake_api.user(1001, "Анна", "Смирнова", username="anna")
    bob = fake_api.user(1002, "Bob", username="bob", language_code="en")
    clara = fake_api.user(1003, "Клара", username="clara")  # switches to English
    dima = fake_api.user(1004, "Дима", username="dima")  # restart in the middle
    env = {"ADMIN_IDS": str(admin.id)}
    bot = await run_bot(env)

    # /start, /help, an unknown command, /cancel with nothing to cancel.
    await anna.send("/start")
    hello = await anna.wait_message("Анна")
    assert hello.buttons, "the greeting offers the menu"
    await anna.send("/help")
    help_text = text_of(await anna.wait_message("/seminars"))
    for command in ("/my", "/faq", "/ask", "/language", "/cancel", "/forget_me"):
        assert command in help_text
    assert "/new_seminar" not in help_text
    await anna.send("/no_such_command")
    await anna.wait_message("/help")
    await anna.send("/cancel")
    await anna.wait_message()
    await bob.send("/start")
    await bob.wait_message("Hello")
    await bob.send("/whatever")
    await bob.wait_message("/help")

    # The organiser publishes a seminar with one seat, an HTML-like title and a
    # description as long as /new_seminar allows.
    title = f"Гранты {HTMLISH} для НКО"
    description = ("Практикум по заявкам на гранты. " * 100)[:3000]
    starts_at = (datetime.now(UTC) + timedelta(days=7)).replace(second=0, microsecond=0)
    place = "Тюмень, ул. Республики, 1"
    seminar_id = await create_seminar(admin, title, description, starts_at, place, 1)
    local = starts_at.astimezone(TZ)

    # /seminars: date, local time, title, seats left, a button containing the title.
    await anna.send("/seminars")
    listing = await anna.wait_message(title)
    assert f"{local:%H:%M}" in text_of(listing) and str(local.day) in text_of(listing)
    assert "1" in text_of(listing).split(title, 1)[1]
    await anna.press(title)
    card = await anna.wait_message(title)
    for part in (description.strip(), place, f"{local:%H:%M}"):
        assert part in text_of(card)
    assert [b for b in card.buttons if "Записаться" in b]
    assert [b for b in card.buttons if "Добавить в календарь" in b]

    # Calendar file.
    await anna.press("Добавить в календарь")
    ics = await anna.wait_message(predicate=lambda m: m.document is not None)
    assert (ics.document_name or "").endswith(".ics")
    [event] = Calendar.from_ical(ics.document_bytes or b"").walk("VEVENT")
    assert str(event["summary"]) == title
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)

    # Anna registers: consent, name (too long first, then HTML-like), organisation, phone.
    await anna.press("Записаться", message_id=card.message_id)
    consent = await anna.wait_message(predicate=lambda m: bool(m.buttons))
    assert starts_with_any(consent.buttons, ("Согласен",)), consent.buttons
    await anna.press("Согласен")
    await anna.wait_message()
    await anna.send("Я" * 5000)
    await anna.wait_message()
    await anna.send(f"Анна {HTMLISH}")
    await anna.wait_message()
    await anna.send("АНО «Забота» & Ко")
    await anna.wait_message()
    await anna.send("+7 912 555-01-01")
    await anna.wait_message()
    seat = await anna.wait_message()
    assert "записаны" in text_of(seat) and "ожидания" not in text_of(seat)
    await anna.send("/my")
    my = await anna.wait_message(title)
    assert f"Анна {HTMLISH}" in text_of(my) and "АНО «Забота» & Ко" in text_of(my)

    # Bob (English Telegram) opens the deep link: the seminar is full, so Waitlist.
    await bob.send(f"/start seminar_{seminar_id}")
    full = await bob.wait_message(title)
    assert [b for b in full.buttons if "Waitlist" in b]
    assert not [b for b in full.buttons if "Register" in b]
    await bob.press("Waitlist")
    result = await register_with_profile(
        bob, agree="I agree", name="Bob Brown", organisation="Green NGO", phone=None
    )
    assert "waitlist" in text_of(result).casefold() and "1" in text_of(result)

    # Clara switches to English with /language, then queues as number 2.
    await clara.send("/language")
    await clara.wait_message()
    await clara.press("English")
    await clara.wait_message("English")
    await clara.send(f"/start seminar_{seminar_id}")
    await clara.wait_message(title)
    await clara.press("Waitlist")
    result = await register_with_profile(
        clara, agree="I agree", name="Clara Zetkin", organisation="Union", phone="89125550303"
    )
    assert "waitlist" in text_of(result).casefold() and "2" in text_of(result)
    assert user_row(db_path, clara.id)[1] == "en"

    # Forged buttons and broken deep links get an answer and change nothing.
    for data in (
        "sem:reg:abc",
        f"sem:reg:{10**30}",
        "sem:card:-1",
        f"sem:cancel_yes:{seminar_id + 1}",
        "sem:nonsense:1",
        "sems:-5",
        "lang:de",
        "prof:agree",
        "rem:no:1",
        "faq:entry:ffffffffffff",
        "qans:1",
        "ask:nope:extra",
        "x" * 64,
        "💥",
    ):
        query = await clara.press_data(data, message_id=result.message_id)
        await fake_api.wait_callback_answer(query)
    for link in (
        "seminar_",
        "seminar_abc",
        "seminar_-1",
        f"seminar_{10**30}",
        f"seminar_{seminar_id}%00",
        "seminar_" + "9" * 60,
    ):
        await clara.send(f"/start {link}")
        await clara.wait_message("/seminars")
    await clara.send("/start " + "z" * 64)
    await clara.wait_message("Hello")
    assert registration_statuses(db_path, seminar_id) == {
        anna.id: "confirmed",
        bob.id: "waitlist",
        clara.id: "waitlist",
    }

    # Huge and HTML-like free text: a reply, nothing Telegram would refuse.
    await anna.send("Что " + "очень " * 1000 + HTMLISH)
    huge_reply = await anna.wait_message()
    assert huge_reply.buttons
    await anna.send("/ask")
    await anna.wait_message()
    await anna.send("Вопрос " * 800)
    await anna.wait_message()

    # Bob blocks the bot; Anna cancels, so Bob is promoted but cannot be told (403).
    fake_api.block(bob.id)
    await anna.send("/cancel")
    await anna.wait_message()
    await anna.send(f"/start seminar_{seminar_id}")
    await anna.wait_message(title)
    await anna.press("Отменить запись")
    confirm = await anna.wait_message(predicate=lambda m: bool(m.buttons))
    assert starts_with_any(confirm.buttons, CONFIRMING), confirm.buttons
    await anna.press("Да")
    await anna.wait_message()
    refused = [r for r in fake_api.rejected if str(r.params.get("chat_id")) == str(bob.id)]
    assert [r.status for r in refused] == [403]
    assert registration_statuses(db_path, seminar_id)[bob.id] == "confirmed"
    assert user_row(db_path, bob.id)[0] == 0, "a 403 marks the user inactive"

    # Bob writes again (so he is active), sees his seat and gives it up: Clara, who
    # chose English with /language, is promoted and told in English, naming the seminar.
    await bob.send("/my")
    bob_my = await bob.wait_message("My registrations")
    assert title in text_of(bob_my)
    assert user_row(db_path, bob.id)[0] == 1
    await bob.press(title)
    await bob.wait_message(title)
    await bob.press("Cancel registration")
    await bob.wait_message(predicate=lambda m: starts_with_any(m.buttons, CONFIRMING))
    await bob.press("Yes")
    await bob.wait_message()
    promoted = await clara.wait_message(title)
    assert "seat" in text_of(promoted).casefold()
    assert not re.search("[а-яё]", text_of(promoted).replace(title, ""), re.IGNORECASE)

    # Dima starts the profile dialog, the bot restarts, Dima carries on where he was.
    await dima.send(f"/start seminar_{seminar_id}")
    await dima.wait_message(title)
    await dima.press("Лист ожидания")
    await dima.wait_message(predicate=lambda m: bool(m.buttons))
    await dima.press("Согласен")
    await dima.wait_message()
    await dima.send("Дмитрий Иванов")
    await dima.wait_message()
    assert await bot.stop() == 0
    bot = await run_bot(env)
    await dima.send("Фонд «Развитие»")
    phone_question = await dima.wait_message()
    assert phone_question.reply_keyboard
    await dima.send("8 912 555-04-04")
    await dima.wait_message()
    queued = await dima.wait_message()
    assert "ожидания" in text_of(queued) and "1" in text_of(queued)

    # A question to the organisers: no STAFF_CHAT_ID, so the admin gets it privately.
    await clara.send("/ask")
    await clara.wait_message()
    await clara.send(f"Can I bring {HTMLISH}?")
    await clara.wait_message()
    posted = await admin.wait_message(f"Can I bring {HTMLISH}?")
    assert "Clara Zetkin" in text_of(posted)
    assert [b for b in posted.buttons if "Ответить" in b]
    await admin.reply(posted.message_id, f"Yes, {HTMLISH} is welcome.")
    answered = await clara.wait_message(f"Yes, {HTMLISH} is welcome.")
    assert not re.search("[а-яё]", text_of(answered), re.IGNORECASE)

    # /forget_me with confirmation: Dima, last on the waitlist, leaves it.
    await dima.send("/forget_me")
    forget = await dima.wait_message(predicate=lambda m: bool(m.buttons))
    assert starts_with_any(forget.buttons, CONFIRMING), forget.buttons
    await dima.press("Да")
    await dima.wait_message()
    assert registration_statuses(db_path, seminar_id) == {
        anna.id: "cancelled",
        bob.id: "cancelled",
        clara.id: "confirmed",
    }
    assert b"555-04-04" not in db_path.read_bytes() and b"79125550404" not in db_path.read_bytes()

    fake_api.assert_no_rejections()
    assert bot.error_lines() == []
