"""The trial as real users (issue 14): each numbered fix seen through real HTTP.

A newcomer on a phone, a waitlisted participant, an organiser moving a seminar, an
English speaker and a confused user sending stickers, photos, old buttons and typos —
every test drives the real `python -m bot` against the fake Bot API.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar
from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from storage.database import Database
from storage.models import RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, RunBot

TITLE = "Социальное предпринимательство для НКО"
ADMIN = 9001
STAFF_CHAT = -100777
CONSENT_MARK = "/forget_me"  # the consent text says how to delete one's data
CONSENT_START = "Чтобы записать вас на семинар, мне нужно ваше согласие"
SHORT_CONSENT_LINE = "Чтобы продолжить, нажмите «Согласен ✅» выше. Выйти — /cancel"


@dataclass(frozen=True)
class Person:
    user: FakeUser
    status: RegistrationStatus | None = None  # None: a profile, no registration
    phone: str = "+79991234501"


async def seed(
    db_path: Path,
    people: Sequence[Person] = (),
    *,
    capacity: int = 10,
    starts_at: datetime | None = None,
    title: str = TITLE,
) -> int:
    """A seminar created days ago, and people with profiles (and registrations)."""
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        seminar = await repos.seminars.create(
            title,
            "Практикум для руководителей НКО",
            starts_at or now + timedelta(days=3),
            "Тюмень, ул. Республики, 1",
            capacity,
            None,
            now - timedelta(days=3),
        )
        for number, person in enumerate(people):
            user = person.user
            # Registered two days ago: before any reminder of the seminar fell due.
            seen = now - timedelta(days=2) + timedelta(minutes=number)
            await repos.users.record_seen(
                user.id, user.first_name, None, user.username, user.language_code, seen
            )
            await repos.profiles.save(
                user.id, f"{user.first_name} Тестовая", "НКО «Дом»", person.phone, seen, seen
            )
            if person.status is not None:
                await repos.registrations.insert(seminar.id, user.id, person.status, seen)
        return seminar.id
    finally:
        await db.close()


async def consent_and_profile(
    user: FakeUser, name: str, organisation: str, phone: str
) -> BotMessage:
    """Consent given and the three numbered steps filled in; the message that follows."""
    await user.wait_message(CONSENT_MARK)
    await user.press("Согласен")
    await user.wait_message("Шаг 1 из 3")
    await user.send(name)
    await user.wait_message("Шаг 2 из 3")
    await user.send(organisation)
    await user.wait_message("Шаг 3 из 3")
    await user.send(phone)
    return await user.wait_message("профиль сохранён")


def text_of(message: BotMessage) -> str:
    return message.text or ""


def bot_texts(fake_api: FakeBotAPI, chat_id: int) -> list[str]:
    return [text_of(m) for m in fake_api.messages(chat_id)]


def photo_message(user: FakeUser, caption: str) -> dict[str, Any]:
    message = user.build_message()
    message["photo"] = [
        {"file_id": "AgADphoto", "file_unique_id": "uphoto", "width": 90, "height": 90}
    ]
    message["caption"] = caption
    return message


async def send_photo(fake_api: FakeBotAPI, user: FakeUser, caption: str) -> None:
    await fake_api.deliver(fake_api.make_update("message", photo_message(user, caption)))


def profile_name(db_path: Path, user_id: int) -> str | None:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT full_name FROM profiles WHERE user_id = ?", (user_id,)
        ).fetchone()
    return None if row is None else str(row[0])


# ---------------------------------------------------------------------- 1. consent trap


async def test_1_consent_screen_answers_in_one_line_and_questions_about_the_data(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    seminar_id = await seed(tmp_path / "bot.sqlite3")
    await run_bot()
    ivan = fake_api.user(3001, "Иван")

    await ivan.send(f"/start seminar_{seminar_id}")
    await ivan.wait_message(TITLE)
    await ivan.press("Записаться")
    await ivan.wait_message(CONSENT_MARK)
    await ivan.send("/cancel")
    await ivan.wait_message("Действие отменено")
    await ivan.send(f"/start seminar_{seminar_id}")
    await ivan.wait_message(TITLE)
    await ivan.press("Записаться")
    await ivan.wait_message(CONSENT_MARK)

    # Everything typed at the button step gets the same short line, never the consent again.
    for typed in ("Иван Петров", "НКО «Дом»", "+79991234567", "семинары", "спасибо"):
        await ivan.send(typed)
        reply = await ivan.wait_message()
        assert text_of(reply) == SHORT_CONSENT_LINE
    # A question gets the fixed answer about the data, and the dialog stays where it was.
    await ivan.send("а это обязательно?")
    answered = await ivan.wait_message()
    assert "Телефон обязателен" in text_of(answered) and "/forget_me" in text_of(answered)
    assert text_of(answered).endswith(SHORT_CONSENT_LINE)
    consent_texts = [t for t in bot_texts(fake_api, ivan.id) if t.startswith(CONSENT_START)]
    assert len(consent_texts) == 2  # once per press of Register, never as an answer
    await ivan.press("Согласен")
    await ivan.wait_message("фамилию, имя и отчество")
    fake_api.assert_no_rejections()


# ---------------------------------------------------------------------- 2. question as a name


async def test_2_a_question_or_one_word_is_not_taken_as_the_full_name(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    seminar_id = await seed(db_path)
    await run_bot()
    olga = fake_api.user(3002, "Ольга")
    await olga.send(f"/start seminar_{seminar_id}")
    await olga.wait_message(TITLE)
    await olga.press("Записаться")
    await olga.wait_message(CONSENT_MARK)
    await olga.press("Согласен")
    await olga.wait_message("Шаг 1 из 3")

    await olga.send("а зачем вам отчество?")
    why = await olga.wait_message("Похоже, это вопрос")
    assert "списка участников" in text_of(why) and "сертификата" in text_of(why)
    assert "например: Иванова Мария Петровна" in text_of(why)
    await olga.send("зачем это")
    await olga.wait_message("Похоже, это вопрос")
    await olga.send("Ольга")
    one_word = await olga.wait_message("фамилия, имя и отчество полностью")
    assert "Например" in text_of(one_word)
    assert profile_name(db_path, olga.id) is None

    await olga.send("Смирнова Ольга Ивановна")
    await olga.wait_message("Шаг 2 из 3")
    await olga.send("АНО «Забота»")
    await olga.wait_message("Шаг 3 из 3")
    await olga.send("+7 912 555-01-01")
    await olga.wait_message("Вы записаны")
    assert profile_name(db_path, olga.id) == "Смирнова Ольга Ивановна"


# ---------------------------------------------------------------------- 3. dead ends


async def test_3_no_dead_ends(fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path) -> None:
    seminar_id = await seed(tmp_path / "bot.sqlite3")
    await run_bot()
    pavel = fake_api.user(3003, "Павел")

    # /cancel leads to the main menu.
    await pavel.send(f"/start seminar_{seminar_id}")
    await pavel.wait_message(TITLE)
    await pavel.press("Записаться")
    await pavel.wait_message(CONSENT_MARK)
    await pavel.press("Согласен")
    await pavel.wait_message("Шаг 1 из 3")
    await pavel.send("/cancel")
    cancelled = await pavel.wait_message("Действие отменено")
    assert "📅 Семинары" in cancelled.buttons and "✉️ Задать вопрос" in cancelled.buttons
    await pavel.press("Семинары", cancelled.message_id)
    await pavel.wait_message("Ближайшие семинары")

    # Declining consent gives the seminar's card back, Register on it.
    await pavel.send(f"/start seminar_{seminar_id}")
    await pavel.wait_message(TITLE)
    await pavel.press("Записаться")
    await pavel.wait_message(CONSENT_MARK)
    await pavel.press("Не согласен")
    declined = await pavel.wait_message("без согласия")
    assert TITLE in text_of(declined)
    assert any("Записаться" in b for b in declined.buttons)

    # An out-of-date button names its section and offers that section's button.
    query = await pavel.press_data("sem:cancel_yes:abc", message_id=declined.message_id)
    answer = await fake_api.wait_callback_answer(query)
    assert answer["text"] == "Эта кнопка устарела."  # short: the message names the section
    stale = await pavel.wait_message("устарела")
    assert "«Семинары»" in text_of(stale) and stale.buttons == ["📅 Семинары"]
    await pavel.press("Семинары", stale.message_id)
    await pavel.wait_message("Ближайшие семинары")

    # A typo in a command: the closest real one is suggested.
    await pavel.send("/semnars")
    suggestion = await pavel.wait_message("Возможно, вы имели в виду /seminars")
    assert "/help" in text_of(suggestion)
    await pavel.send("/xyzzy")
    await pavel.wait_message("Я не знаю такой команды. Список команд — /help.")

    # A photo with a caption is a message like any text.
    await send_photo(fake_api, pavel, "Сколько стоит участие?")
    priced = await pavel.wait_message("бесплатное")
    assert "Я понимаю только текст" not in text_of(priced)
    fake_api.assert_no_rejections()


# ---------------------------------------------------------------------- 4. greetings


async def test_3_stale_organiser_and_forged_buttons_lead_back(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    anna = fake_api.user(3008, "Анна")
    await seed(db_path, [Person(anna, RegistrationStatus.CONFIRMED)])
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})
    admin = fake_api.user(ADMIN, "Ирина")

    # «Отправить» of a broadcast whose dialog ended: its section and a button to reopen it.
    await admin.send("/broadcast")
    menu = await admin.wait_message("Кому отправить рассылку")
    await admin.press("Всем", message_id=menu.message_id)
    await admin.wait_edit(menu.message_id, "Отправьте сообщение")
    await admin.send("Объявление")
    note = await admin.wait_message("Отправить?")
    await admin.send("/cancel")
    await admin.wait_message("Действие отменено")
    query = await admin.press("Отправить", message_id=note.message_id)
    answer = await fake_api.wait_callback_answer(query)
    assert answer["text"] == "Эта кнопка устарела."  # the message says what to do
    stale = await admin.wait_message("Эта кнопка устарела")
    assert "«Рассылка»" in text_of(stale) and "/broadcast" in text_of(stale)
    assert stale.buttons == ["Рассылка"]
    await admin.press("Рассылка", message_id=stale.message_id)
    await admin.wait_message("Кому отправить рассылку")
    assert not fake_api.calls("copyMessage")[1:]  # only the preview: nothing was sent

    # A stale seminar picker of /new_seminar names its section too.
    await admin.press_data("adm_new:publish", message_id=stale.message_id)
    picker = await admin.wait_message("«Создать семинар»")
    assert picker.buttons == ["Создать семинар"]

    # Forged garbage: the short line and the main menu.
    await admin.press_data("zzz:1:2", message_id=stale.message_id)
    forged = await admin.wait_message("выберите раздел в меню ниже")
    assert "📅 Семинары" in forged.buttons

    # A participant replaying an organiser's button gets no organiser's button.
    await anna.send("/start")
    hello = await anna.wait_message()
    query = await anna.press_data("chk:1", message_id=hello.message_id)
    assert (await fake_api.wait_callback_answer(query))["text"] == (
        "Эта кнопка устарела. Откройте раздел заново."
    )
    query = await anna.press_data("open:broadcast", message_id=hello.message_id)
    await fake_api.wait_callback_answer(query)
    await anna.assert_no_new_messages()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM broadcasts").fetchone() == (0,)


async def test_3_a_caption_is_the_text_in_every_dialog(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env={"ADMIN_IDS": str(ADMIN), "STAFF_CHAT_ID": str(STAFF_CHAT)})
    vera = fake_api.user(3009, "Вера")
    admin = fake_api.user(ADMIN, "Ирина")

    # /ask: a photo with the question in its caption is the question.
    await vera.send("/ask")
    await vera.wait_message("вопрос")
    await send_photo(fake_api, vera, "Можно ли прийти с коллегой?")
    await vera.wait_message("отправлен организаторам")
    staff_post = await staff.wait_message("Можно ли прийти с коллегой?")
    assert staff_post.buttons

    # An organiser's dialog: the title typed as a caption moves on to the next step.
    await admin.send("/new_seminar")
    await admin.wait_message("Шаг 1:")
    await send_photo(fake_api, admin, "Семинар о грантах")
    await admin.wait_message("Шаг 2:")
    assert not [t for t in bot_texts(fake_api, admin.id) if "текстом" in t]


async def test_3_cancelling_a_seminar_nobody_joined_says_so(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    await seed(tmp_path / "bot.sqlite3")
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})
    admin = fake_api.user(ADMIN, "Ирина")
    await admin.send("/cancel_seminar")
    await admin.wait_message("Какой семинар отменить")
    await admin.press(TITLE)
    confirm = await admin.wait_message("никто не записан")
    assert "0 записавшихся" not in text_of(confirm)
    await admin.press("Да")
    done = await admin.wait_message("отменён")
    assert "Сообщать некому" in text_of(done) and "0 людям" not in text_of(done)


async def test_4_greetings_and_thanks_are_answered_not_relayed(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    await run_bot()
    nina = fake_api.user(3004, "Нина")
    john = fake_api.user(3005, "John", language_code="en")

    for greeting in ("Здравствуйте", "Добрый день!", "привет"):
        await nina.send(greeting)
        hello = await nina.wait_message()
        assert text_of(hello).startswith("Здравствуйте!"), text_of(hello)
        assert "📅 Семинары" in hello.buttons
        assert "организаторам" not in text_of(hello)
    await nina.send("спасибо")
    thanks = await nina.wait_message()
    assert text_of(thanks).startswith("Пожалуйста!") and not thanks.buttons
    await john.send("Thank you!")
    assert text_of(await john.wait_message()).startswith("You are welcome!")
    # A greeting with a question is a question.
    await nina.send("Здравствуйте, сколько стоит участие?")
    assert "бесплатное" in text_of(await nina.wait_message())

    # «ок», «👍», a sticker: a short friendly line with the menu, never the FAQ or organisers.
    for nod in ("ок", "ок, понял", "ладно", "👍"):
        await nina.send(nod)
        ack = await nina.wait_message()
        assert text_of(ack).startswith("Хорошо!"), (nod, text_of(ack))
        assert "📅 Семинары" in ack.buttons
    sticker = nina.build_message()
    sticker["sticker"] = {
        "file_id": "CAAsticker",
        "file_unique_id": "usticker",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
        "emoji": "👍",
    }
    await fake_api.deliver(fake_api.make_update("message", sticker))
    nod_back = await nina.wait_message()
    assert text_of(nod_back).startswith("Хорошо!") and "📅 Семинары" in nod_back.buttons
    # Inside /ask too: «ок» is not sent to the organisers as a question.
    await nina.send("/ask")
    await nina.wait_message("вопрос")
    await nina.send("ок")
    await nina.wait_message("Напишите, пожалуйста, сам вопрос")
    await nina.send("/cancel")
    await nina.wait_message("Действие отменено")
    assert not [t for t in bot_texts(fake_api, nina.id) if "не нашёл" in t or "отправлен" in t]


# ---------------------------------------------------------------------- 5. time zone


async def test_5_times_say_which_time_and_the_year_when_not_this_one(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    now = datetime.now(UTC)
    next_year = now.year + 1
    anna = fake_api.user(3006, "Анна")
    kate = fake_api.user(3007, "Kate", language_code="en")
    admin = fake_api.user(ADMIN, "Ирина")
    later = await seed(db_path, starts_at=datetime(next_year, 1, 15, 5, 0, tzinfo=UTC))
    # A seat two hours ahead with a 24h lead time: the reminder is overdue and goes at once.
    await seed(
        db_path,
        [Person(anna, RegistrationStatus.CONFIRMED)],
        starts_at=now + timedelta(hours=2),
        title="Скорый семинар",
    )
    await run_bot(env={"ADMIN_IDS": str(ADMIN), "REMINDER_OFFSETS": "24h"})

    reminder = await anna.wait_message("Напоминание о семинаре")
    assert "по тюменскому времени (МСК+2)" in text_of(reminder)

    await anna.send(f"/start seminar_{later}")
    card = await anna.wait_message(TITLE)
    assert f"15 января {next_year}, " in text_of(card)
    assert "10:00–12:00 по тюменскому времени (МСК+2)" in text_of(card)
    await kate.send(f"/start seminar_{later}")
    english = await kate.wait_message(TITLE)
    assert f"15 January {next_year}, " in text_of(english)
    assert "10:00–12:00, Tyumen time (UTC+5)" in text_of(english)

    # The registration result, /my and /seminars say which time too (lists once, below).
    await anna.press("Записаться", card.message_id)
    registered = await anna.wait_message("Вы записаны")
    assert "10:00 по тюменскому времени (МСК+2)" in text_of(registered)
    await anna.send("/my")
    mine = await anna.wait_message("Мои записи")
    assert text_of(mine).count("Время — по тюменскому времени (МСК+2).") == 1
    await anna.send("/seminars")
    listed = await anna.wait_message("Ближайшие семинары")
    assert text_of(listed).count("Время — по тюменскому времени (МСК+2).") == 1
    await kate.send("/seminars")
    assert "All times: Tyumen time (UTC+5)." in text_of(await kate.wait_message("Upcoming"))

    await admin.send("/new_seminar")
    await admin.wait_message("Шаг 1:")
    await admin.send("Семинар о грантах")
    await admin.wait_message("Шаг 2:")
    await admin.send("-")
    prompt = await admin.wait_message("Шаг 3:")
    assert "по тюменскому времени (МСК+2)" in text_of(prompt)
    assert "Asia/Yekaterinburg" not in "".join(bot_texts(fake_api, admin.id))


# ---------------------------------------------------------------------- 6. waitlist words


async def test_6_waitlist_speaks_of_a_queue_number_and_leaving_it(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    a = fake_api.user(3010, "Алла")
    b = fake_api.user(3011, "Борис")
    c = fake_api.user(3012, "Вера")
    seminar_id = await seed(
        tmp_path / "bot.sqlite3",
        [Person(a, RegistrationStatus.CONFIRMED), Person(b), Person(c)],
        capacity=1,
    )
    await run_bot()

    await b.send(f"/start seminar_{seminar_id}")
    full = await b.wait_message("Мест нет — можно встать в лист ожидания")
    assert "осталось 0 мест" not in text_of(full)
    await b.press("Лист ожидания")
    queued = await b.wait_message("номер в очереди: 1")
    assert "место в очереди" not in text_of(queued)
    await c.send(f"/start seminar_{seminar_id}")
    await c.wait_message(TITLE)
    await c.press("Лист ожидания")
    await c.wait_message("номер в очереди: 2")

    await b.send(f"/start seminar_{seminar_id}")
    card = await b.wait_message("номер в очереди: 1")
    assert "🚪 Отменить запись (выйти из листа ожидания)" in card.buttons
    # PRODUCT.md: the waitlisted card's button contains «Отменить запись».
    await b.press("Отменить запись")
    confirm = await b.wait_message("покинуть лист ожидания")
    assert confirm.buttons == ["Да, выйти из листа ожидания", "Нет, оставить"]
    await b.press("Нет, оставить")
    await b.wait_message("вы остаётесь в листе ожидания")
    await b.press("Отменить запись", card.message_id)
    await b.wait_message("покинуть лист ожидания")
    await b.press("Да, выйти")
    await b.wait_message("больше не в листе ожидания")

    # Vera moved up the queue: no message about it, but /my shows her number now.
    await c.assert_no_new_messages(within=1.0)
    await c.send("/my")
    my = await c.wait_message("Мои записи")
    assert "номер в очереди: 1" in text_of(my)

    # A newcomer queued while filling in the profile: the summary speaks of the waitlist.
    d = fake_api.user(3014, "Дина")
    await d.send(f"/start seminar_{seminar_id}")
    await d.wait_message(TITLE)
    await d.press("Лист ожидания")
    queued = await consent_and_profile(
        d, "Данилова Дина Сергеевна", "Фонд «Добро»", "8 912 555-40-41"
    )
    assert "номер в очереди: 2" in text_of(queued)
    assert "выход из листа ожидания" in text_of(queued) and "Запись, отмена" not in text_of(queued)


# ---------------------------------------------------------------------- 7. Russian is Russian


async def test_7_russian_texts_have_no_english(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN, "Ирина")
    anna = fake_api.user(3013, "Анна")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await seed(tmp_path / "bot.sqlite3", [Person(anna, RegistrationStatus.CONFIRMED)])
    env = {"ADMIN_IDS": str(ADMIN), "STAFF_CHAT_ID": str(STAFF_CHAT)}
    bot = await run_bot(env=env)

    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send("Можно ли прийти с ребёнком?")
    await anna.wait_message("отправлен организаторам")
    posted = await staff.wait_message("с ребёнком")
    assert posted.buttons == ["Ответить", "Кто спрашивает"]
    await admin.send("/questions")
    listing = await admin.wait_message("без ответа")
    assert "реплаем" not in text_of(listing) and "ответом на сообщение" in text_of(listing)
    await admin.send("/stats")
    stats = await admin.wait_message("Статистика")
    for english in ("(confirmed)", "(waitlist)", "(cancelled)"):
        assert english not in text_of(stats)
    await anna.send("/forget_me")
    forget = await anna.wait_message("Удалить ваши персональные данные?")
    assert "username" not in text_of(forget)

    # STAFF_LANGUAGE: the staff chat in English when the organisers say so.
    assert await bot.stop() == 0
    await run_bot(env={**env, "STAFF_LANGUAGE": "en"})
    await anna.press("Нет, оставить", forget.message_id)
    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send("Is there parking?")
    english = await staff.wait_message("parking")
    assert english.buttons == ["Answer", "Who is asking"]


# ---------------------------------------------------------------------- 8. notices


async def test_8_promotion_and_move_notices_lead_somewhere(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    a = fake_api.user(3020, "Алла")
    b = fake_api.user(3021, "Борис")
    admin = fake_api.user(ADMIN, "Ирина")
    seminar_id = await seed(
        tmp_path / "bot.sqlite3",
        [Person(a, RegistrationStatus.CONFIRMED), Person(b, RegistrationStatus.WAITLIST)],
        capacity=1,
    )
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})

    await b.send(f"/start seminar_{seminar_id}")
    await b.wait_message(TITLE)
    await b.press("Добавить в календарь")
    first = await b.wait_message(predicate=lambda m: m.document is not None)
    [before] = Calendar.from_ical(first.document_bytes or b"").walk("VEVENT")

    await a.send(f"/start seminar_{seminar_id}")
    await a.wait_message("Вы записаны.")
    await a.press("Отменить запись")
    await a.wait_message("Вы уверены")
    await a.press("Да, отменить запись")
    promoted = await b.wait_message("Освободилось место")
    assert "📍 Тюмень, ул. Республики, 1" in text_of(promoted)
    assert "по тюменскому времени (МСК+2)" in text_of(promoted)
    assert promoted.buttons == ["📋 Открыть семинар", "❌ Отменить запись"]
    await b.press("Открыть семинар", promoted.message_id)
    await b.wait_message("Вы записаны.")

    # The organiser moves it: the notice is a fresh .ics with the same UID, a higher SEQUENCE.
    new_start = datetime.now(UTC) + timedelta(days=5)
    typed = f"{new_start.astimezone(UTC) + timedelta(hours=5):%d.%m.%Y} 18:30"
    await admin.send("/edit_seminar")
    await admin.wait_message("Какой семинар изменить?")
    await admin.press(TITLE)
    await admin.wait_message("Что изменить")
    await admin.press("Дата и время")
    await admin.wait_message("Пришлите новые дату и время")
    await admin.send(typed)
    await admin.wait_message("изменено")
    moved = await b.wait_message("перенесён")
    assert moved.document is not None and (moved.document_name or "").endswith(".ics")
    assert "📍 Тюмень, ул. Республики, 1" in text_of(moved)
    assert "Стало:" in text_of(moved) and "18:30" in text_of(moved)
    assert moved.buttons == ["📋 Открыть семинар", "❌ Отменить запись"]
    [after] = Calendar.from_ical(moved.document_bytes or b"").walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") != before.decoded("dtstart")
    link = f"https://t.me/{BOT_USERNAME}?start=seminar_{seminar_id}"
    assert str(after["url"]) == link and link in str(after["description"])
    [alarm] = after.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=1)
    await b.press("Отменить запись", moved.message_id)
    await b.wait_message("Вы уверены")
    fake_api.assert_no_rejections()


# ---------------------------------------------------------------------- 9. broadcasts


async def test_9_a_seminar_broadcast_names_the_seminar_in_the_same_message(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN, "Ирина")
    a = fake_api.user(3030, "Алла")
    b = fake_api.user(3031, "Борис")
    await seed(
        tmp_path / "bot.sqlite3",
        [Person(a, RegistrationStatus.CONFIRMED), Person(b, RegistrationStatus.CONFIRMED)],
    )
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})
    header = f"📢 Семинар «{TITLE}»: сообщение от организаторов"

    await admin.send("/broadcast")
    audiences = await admin.wait_message("Кому отправить")
    assert f"Участники: {TITLE}" in audiences.buttons
    assert f"Лист ожидания: {TITLE}" in audiences.buttons
    await admin.press(f"Участники: {TITLE}")
    await admin.wait_edit(audiences.message_id, "Отправьте сообщение")
    await admin.send("Начало в 10:00, вход со двора.")
    preview = await admin.wait_message(header)
    assert text_of(preview) == f"{header}\n\nНачало в 10:00, вход со двора."
    assert not preview.buttons
    note = await admin.wait_message("Так рассылку увидят получатели")
    assert note.buttons == ["Отправить", "Отмена"]  # the explanation sits above its buttons
    await admin.press("Отправить", note.message_id)
    for user in (a, b):
        got = await user.wait_message(header)
        assert text_of(got).endswith("вход со двора.")
        await user.assert_no_new_messages(within=0.5)  # one message, not two
    await admin.wait_message("Доставлено: 2")

    # A photo: its caption is replaced, still one copyMessage per recipient.
    await admin.send("/broadcast")
    again = await admin.wait_message("Кому отправить")
    await admin.press(f"Участники: {TITLE}", again.message_id)
    await admin.wait_edit(again.message_id, "Отправьте сообщение")
    await send_photo(fake_api, admin, "Схема проезда")
    photo_preview = await admin.wait_message(header)
    assert text_of(photo_preview) == f"{header}\n\nСхема проезда"
    await admin.wait_message("Так рассылку увидят")
    await admin.press("Отправить")
    for user in (a, b):
        photo = await user.wait_message(header)
        assert photo.is_caption and text_of(photo).endswith("Схема проезда")
    copies = [r for r in fake_api.requests if r.method == "copyMessage"]
    assert {str(r.params["chat_id"]) for r in copies} >= {str(a.id), str(b.id)}
    assert all(r.params.get("caption", "").startswith("📢") for r in copies)


# ---------------------------------------------------------------------- 10. dates


async def test_10_dates_as_people_type_them_and_what_was_understood(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN, "Ирина")
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})
    year = datetime.now(UTC).year + 1
    short_year = f"{year % 100:02d}"

    await admin.send("/new_seminar")
    await admin.wait_message("Шаг 1:")
    await admin.send("Семинар о грантах")
    await admin.wait_message("Шаг 2:")
    await admin.send("-")
    await admin.wait_message("Шаг 3:")
    for typed in (f"15.01.{year} 10.00", f"15.01.{short_year} 10:00", f"15 января {year} в 10:00"):
        await admin.send(typed)
        understood = await admin.wait_message("Понял:")
        assert f"15 января {year}, " in text_of(understood), typed
        assert "10:00 по тюменскому времени (МСК+2)" in text_of(understood)
        assert "Шаг 4:" in text_of(understood)
        await admin.send("/cancel")
        await admin.wait_message("Действие отменено")
        await admin.send("/new_seminar")
        await admin.wait_message("Шаг 1:")
        await admin.send("Семинар о грантах")
        await admin.wait_message("Шаг 2:")
        await admin.send("-")
        await admin.wait_message("Шаг 3:")
    # Without a year: the next 15 January, and the preview says which.
    await admin.send("15 января 10:00")
    await admin.wait_message("Понял:")
    await admin.send("Тюмень, ул. Республики, 1")
    await admin.wait_message("Шаг 5:")
    await admin.send("20")
    preview = await admin.wait_message("Проверьте семинар")
    assert f"Понял: 15 января {year}, " in text_of(preview)
    assert "Опубликовать" in preview.buttons[0]
    await admin.send("/cancel")
    await admin.wait_message("Действие отменено")

    await admin.send("/new_seminar")
    await admin.wait_message("Шаг 1:")
    await admin.send("Семинар о грантах")
    await admin.wait_message("Шаг 2:")
    await admin.send("-")
    await admin.wait_message("Шаг 3:")
    await admin.send("15 чего-то 10:00")
    await admin.wait_message("Не понял дату")
    await admin.send("31.02.2031 10:00")
    await admin.wait_message("Такой даты или времени не бывает")


# ---------------------------------------------------------------------- 11. shorter


async def test_11_one_message_after_the_profile_and_no_answer_sent_echo(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    seminar_id = await seed(tmp_path / "bot.sqlite3")
    admin = fake_api.user(ADMIN, "Ирина")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env={"ADMIN_IDS": str(ADMIN), "STAFF_CHAT_ID": str(STAFF_CHAT)})
    lena = fake_api.user(3040, "Лена")

    await lena.send(f"/start seminar_{seminar_id}")
    await lena.wait_message(TITLE)
    await lena.press("Записаться")
    done = await consent_and_profile(
        lena, "Лебедева Елена Сергеевна", "Фонд «Добро»", "8 912 555-40-40"
    )
    assert "Вы записаны" in text_of(done) and "/my" in text_of(done)
    await lena.assert_no_new_messages(within=1.0)

    await lena.send("Пускают ли с собакой?")
    await lena.wait_message("не нашёл")
    await lena.press("Задать вопрос организаторам")
    question = await staff.wait_message("с собакой")
    await admin.send_in(STAFF_CHAT, "Да, на поводке.", question.message_id)
    await lena.wait_message("на поводке")
    edited = await staff.wait_edit(question.message_id, "Ответил(а)")
    assert edited.buttons == ["Добавить в FAQ", "Прикрепить к частому вопросу"]
    await staff.assert_no_new_messages(within=1.0)  # no «Ответ отправлен» on top of the edit
    await admin.press("Добавить в FAQ", question.message_id, STAFF_CHAT)
    draft = await staff.wait_message("Черновик")
    published = await admin.press("Опубликовать", draft.message_id, STAFF_CHAT)
    toast = await fake_api.wait_callback_answer(published)
    assert "добавлен в частые вопросы" in toast["text"] and not toast.get("show_alert")
    # The question's message loses its FAQ buttons once the entry is there.
    assert fake_api.message(STAFF_CHAT, question.message_id).buttons == []


# ---------------------------------------------------------------------- 12. content


async def test_12_cost_and_free_participation(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    seminar_id = await seed(tmp_path / "bot.sqlite3")
    bot = await run_bot()
    masha = fake_api.user(3050, "Маша")
    tom = fake_api.user(3051, "Tom", language_code="en")

    await masha.send("/start")
    assert "Участие в семинарах бесплатное" in text_of(await masha.wait_message("Здравствуйте"))
    await masha.send(f"/start seminar_{seminar_id}")
    assert "Участие бесплатное" in text_of(await masha.wait_message(TITLE))
    for question in ("сколько стоит участие?", "это бесплатно?", "сколько стоит?"):
        await masha.send(question)
        reply = await masha.wait_message()
        assert text_of(reply).startswith("Сколько стоит участие?"), (question, text_of(reply))
        assert len(text_of(reply)) < 700
    await tom.send("How much does it cost?")
    assert text_of(await tom.wait_message()).startswith("How much does it cost?")
    for question, topic in (
        ("что взять с собой на семинар?", "Что взять с собой"),
        ("можно ли участвовать онлайн?", "Можно ли участвовать онлайн"),
        ("будет ли сертификат?", "сертификат"),
        ("будут ли материалы семинара?", "материалы"),
        ("как добраться до места семинара?", "Как добраться"),
        ("кому позвонить по поводу семинара?", "Кому позвонить"),
    ):
        await masha.send(question)
        reply = await masha.wait_message()
        assert topic in text_of(reply).split("\n")[0], (question, text_of(reply))

    # FREE_OF_CHARGE=false: neither /start nor the card says so.
    assert await bot.stop() == 0
    await run_bot(env={"FREE_OF_CHARGE": "false"})
    await masha.send("/start")
    assert "бесплатное" not in text_of(await masha.wait_message("Здравствуйте"))
    await masha.send(f"/start seminar_{seminar_id}")
    assert "бесплатное" not in text_of(await masha.wait_message(TITLE))


# ---------------------------------------------------------------------- 13, 14. exports


def has_document(message: BotMessage, extension: str) -> bool:
    return (message.document_name or "").endswith(extension)


async def export_files(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> tuple[BotMessage, BotMessage, int]:
    people = [
        Person(fake_api.user(3060, "Анна"), RegistrationStatus.CONFIRMED, "+79991234501"),
        Person(fake_api.user(3061, "=Борис"), RegistrationStatus.CONFIRMED, "+79991234502"),
        Person(fake_api.user(3062, "Вера"), RegistrationStatus.WAITLIST, "+79991234503"),
    ]
    seminar_id = await seed(tmp_path / "bot.sqlite3", people, capacity=2)
    admin = fake_api.user(ADMIN, "Ирина")
    await run_bot(env={"ADMIN_IDS": str(ADMIN)})
    await admin.send(f"/export {seminar_id}")
    csv_file = await admin.wait_message(
        predicate=lambda m: (m.document_name or "").endswith(".csv")
    )
    xlsx = await admin.wait_message(predicate=lambda m: (m.document_name or "").endswith(".xlsx"))
    return csv_file, xlsx, seminar_id


async def test_13_phones_stay_phones_and_formulas_stay_text(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    csv_file, xlsx, _ = await export_files(fake_api, run_bot, tmp_path)
    header, *rows = list(
        csv.reader(io.StringIO((csv_file.document_bytes or b"").decode("utf-8-sig")), delimiter=";")
    )
    phones = [row[header.index("Телефон")] for row in rows]
    assert phones == ["+79991234501", "+79991234502", "+79991234503"]
    assert rows[1][1] == "'=Борис Тестовая"  # a real formula start is still neutralised

    sheet = load_workbook(io.BytesIO(xlsx.document_bytes or b""))["Участники"]
    assert [sheet.cell(row=r, column=4).value for r in (2, 3, 4)] == phones
    assert sheet["D2"].data_type == "s"
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("=Борис Тестовая", "s")
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)


async def test_14_exports_ready_to_print(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    csv_file, xlsx, seminar_id = await export_files(fake_api, run_bot, tmp_path)
    name = csv_file.document_name or ""
    assert name.startswith(f"seminar-{seminar_id}-socialnoe-predprinimatelstvo-dlya-nko-")
    assert (xlsx.document_name or "").startswith(name.removesuffix(".csv"))
    header, *rows = list(
        csv.reader(io.StringIO((csv_file.document_bytes or b"").decode("utf-8-sig")), delimiter=";")
    )
    status = header.index("Статус")
    assert header[status + 1] == "Статус словами"
    assert [(r[status], r[status + 1]) for r in rows] == [
        ("confirmed", "записан(а)"),
        ("confirmed", "записан(а)"),
        ("waitlist", "в листе ожидания"),
    ]
    registered = header.index("Время записи, по тюменскому времени (МСК+2)")
    assert all(len(r[registered]) == 16 and r[registered][2] == "." for r in rows)

    book = load_workbook(io.BytesIO(xlsx.document_bytes or b""))
    sheet = book["Участники"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.cell(row=2, column=registered + 1).number_format == "dd.mm.yyyy hh:mm"
    door = book["Лист регистрации"]
    assert [c.value for c in door[1]] == ["№", "ФИО", "Организация", "Подпись"]
    assert [[c.value for c in row] for row in door.iter_rows(min_row=2)] == [
        [1, "=Борис Тестовая", "НКО «Дом»", None],
        [2, "Анна Тестовая", "НКО «Дом»", None],
    ]
