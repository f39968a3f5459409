"""The participant's side read literally from the product contract, as an outside tester would.

Buttons are found only by the wording the contract gives (the first button whose text
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

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from tests.e2e.conftest import BOT_USERNAME, RunBot, eventually

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
    """`/new_seminar` in the order the contract gives; returns the id from the deep link."""
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
    # One message: the profile is saved, and the registration's result.
    return await user.wait_message()


async def test_first_contact_start_help_unknown_command_and_cancel(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    admin = fake_api.user(9001, "Ирина", username="irina")
    anna = fake_api.user(1001, "Анна", "Смирнова", username="anna")
    bob = fake_api.user(1002, "Bob", username="bob", language_code="en")
    await run_bot({"ADMIN_IDS": str(admin.id)})

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
    fake_api.assert_no_rejections()


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
    seat = await anna.wait_message()
    assert "записаны" in text_of(seat) and "ожидания" not in text_of(seat)
    await anna.send("/my")
    my = await anna.wait_message(title)
    assert f"Анна {HTMLISH}" in text_of(my) and "АНО «Забота» & Ко" in text_of(my)

    # Bob (English Telegram) opens the deep link: the seminar is full, so Waitlist.
    await bob.send(f"/start seminar_{seminar_id}")
    full = await bob.wait_message(title)
    assert [b for b in full.buttons if "Waitlist" in b] and full.contains("No seats left")
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

    # Huge and HTML-like free text: a reply, nothing Telegram would refuse; a shared
    # contact outside any dialog is not met with silence.
    await anna.send_contact("+79125550101")
    await anna.wait_message("текст")
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

    # The promotion notice leaves through the outbox, a moment after Anna's answer.
    def refused() -> list[int]:
        return [r.status for r in fake_api.rejected if str(r.params.get("chat_id")) == str(bob.id)]

    await fake_api.world.wait_for(refused, timeout=30)
    assert refused() == [403]
    assert registration_statuses(db_path, seminar_id)[bob.id] == "confirmed"
    assert await eventually(lambda: user_row(db_path, bob.id)[0] == 0), "403 marks inactive"

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
    # The notice names the place (the organisers' own words) so the person knows where to go.
    english = text_of(promoted).replace(title, "").replace(place, "")
    assert place in text_of(promoted) and not re.search("[а-яё]", english, re.IGNORECASE)

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


FAQ_YAML = """\
- id: fee
  category: Участие
  question: Сколько стоит участие в семинаре?
  aliases:
    - Это платно?
  answer: Участие бесплатное для представителей НКО.
- id: fee-en
  lang: en
  category: Taking part
  question: How much does a seminar cost?
  aliases:
    - Is it free?
  answer: Taking part is free of charge for NGO staff.
- id: certificate-en
  lang: en
  category: Taking part
  question: Will I get a certificate?
  answer: Yes, everyone who attends gets a certificate by e-mail.
"""


def minute_after(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def test_english_story_faq_staff_chat_and_reminders(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    faq_path = tmp_path / "faq.yml"
    faq_path.write_text(FAQ_YAML, encoding="utf-8")
    admin = fake_api.user(9001, "Ирина", username="irina")
    olga = fake_api.user(8001, "Olga", username="olga_staff", language_code="en")
    staff = fake_api.group(-100777, "Organisers")
    staff.set_member_status(olga.id, "administrator")  # answering takes an administrator
    eve = fake_api.user(2001, "Eve", username="eve", language_code="en-GB")
    fedor = fake_api.user(2002, "Фёдор", username="fedor")  # chooses English
    gleb = fake_api.user(2003, "Глеб", username=None)

    # The seminar starts 3.5-4.5 minutes from now; the offsets put its two reminders
    # about 60 s and 68 s after the bot starts (after the registrations even when a loaded
    # machine makes start-up and dialogs slow), so they arrive while the test runs.
    started = datetime.now(UTC)
    starts_at = minute_after(started + timedelta(seconds=210))
    first_due = started + timedelta(seconds=60)
    second_due = first_due + timedelta(seconds=8)
    offsets = [int((starts_at - due).total_seconds()) for due in (first_due, second_due)]
    env = {
        "ADMIN_IDS": str(admin.id),
        "STAFF_CHAT_ID": str(staff.chat_id),
        "FAQ_PATH": str(faq_path),
        "REMINDER_OFFSETS": ",".join(f"{seconds}s" for seconds in offsets),
    }
    bot = await run_bot(env)
    title = "Social entrepreneurship: first steps"
    seminar_id = await create_seminar(admin, title, "-", starts_at, "https://meet.example/se", 2)

    # Eve (en-GB) and Gleb take the two seats; Fedor switches to English and waits.
    await eve.send(f"/start seminar_{seminar_id}")
    card = await eve.wait_message(title)
    assert [b for b in card.buttons if "Register" in b]
    assert [b for b in card.buttons if "Add to calendar" in b]
    await eve.press("Register")
    seat = await register_with_profile(
        eve, agree="I agree", name="Eve Adams", organisation="Open Hands", phone="+7 912 555 22 01"
    )
    assert "registered" in text_of(seat).casefold() and "waitlist" not in text_of(seat).casefold()
    await gleb.send(f"/start seminar_{seminar_id}")
    await gleb.wait_message(title)
    await gleb.press("Записаться")
    await register_with_profile(
        gleb, agree="Согласен", name="Глеб Орлов", organisation="Фонд", phone=None
    )
    await fedor.send("/language")
    await fedor.wait_message(predicate=lambda m: "English" in m.buttons)
    await fedor.press("English")
    await fedor.wait_message("English")
    await fedor.send("/seminars")
    listing = await fedor.wait_message(title)
    assert f"{starts_at.astimezone(TZ):%H:%M}" in text_of(listing)
    await fedor.press(title)
    await fedor.wait_message(title)
    await fedor.press("Waitlist")
    queued = await register_with_profile(
        fedor, agree="I agree", name="Fedor Petrov", organisation="Hope", phone="89125552203"
    )
    assert "waitlist" in text_of(queued).casefold() and "1" in text_of(queued)

    # /faq: categories → questions → answer, and back up both levels.
    await eve.send("/faq")
    root = await eve.wait_message()
    assert [b for b in root.buttons if "Taking part" in b]
    await eve.press("Taking part")
    questions = await eve.wait_edit(root.message_id, "Taking part")
    assert [b for b in questions.buttons if "Will I get a certificate?" in b]
    await eve.press("certificate")
    answer = await eve.wait_edit(root.message_id, "gets a certificate by e-mail")
    assert [b for b in answer.buttons if "Back" in b]
    await eve.press("Back")
    await eve.wait_edit(root.message_id, "Choose a question")
    await eve.press("Back")
    await eve.wait_edit(root.message_id, "Choose a topic")

    # Free text: the matching entry's full answer and a button to ask the organisers;
    # no match says so and sends the question on with one press.
    await eve.send("Is it free?")
    reply = await eve.wait_message("Taking part is free of charge for NGO staff.")
    assert [b for b in reply.buttons if "organisers" in b]
    await fedor.send(f"Can I bring my dog {HTMLISH}?")
    no_match = await fedor.wait_message()
    assert not no_match.contains("free of charge")
    await fedor.press("organisers")
    await fedor.wait_message("#")
    posted = await staff.wait_message(f"Can I bring my dog {HTMLISH}?")
    assert "Fedor Petrov" in text_of(posted)
    await olga.press("Ответить", message_id=posted.message_id, chat_id=staff.chat_id)
    await staff.wait_message("Olga")
    await olga.send_in(staff.chat_id, "Only guide dogs, sorry.")
    await staff.wait_edit(posted.message_id, "Only guide dogs, sorry.")
    answered = await fedor.wait_message("Only guide dogs, sorry.")
    assert "organisers" in text_of(answered).casefold()

    # Reminders: one per offset, in each user's language, with both buttons.
    first = await eve.wait_message(title, timeout=90)
    assert [b for b in first.buttons if "I'll come" in b]
    assert [b for b in first.buttons if "Can't come" in b]
    first_gleb = await gleb.wait_message(title, timeout=10)
    assert [b for b in first_gleb.buttons if "Приду" in b]
    assert [b for b in first_gleb.buttons if "Не смогу" in b]
    await gleb.press("Приду")
    await eve.press("Can't come")
    promoted = await fedor.wait_message(title)
    assert "seat" in text_of(promoted).casefold()
    assert not re.search("[а-яё]", text_of(promoted), re.IGNORECASE)
    second_fedor = await fedor.wait_message(
        predicate=lambda m: any("I'll come" in b for b in m.buttons), timeout=30
    )
    assert title in text_of(second_fedor)
    second_gleb = await gleb.wait_message(predicate=lambda m: any("Приду" in b for b in m.buttons))
    assert title in text_of(second_gleb)
    await eve.assert_no_new_messages(within=1.0)
    assert registration_statuses(db_path, seminar_id) == {
        eve.id: "cancelled",
        gleb.id: "confirmed",
        fedor.id: "confirmed",
    }

    fake_api.assert_no_rejections()
    assert bot.error_lines() == []
