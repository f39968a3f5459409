"""Seminar list, card, deep link, profile dialog, registration, cancellation, calendar, /my."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import Contact, PhotoSize, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from aiogram.types import User as TgUser
from icalendar import Calendar

from bot.app import App
from storage.models import RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession, keyboard_buttons

PHONE = "+79123456789"


async def seminar(
    app: App,
    title: str = "Социальное предпринимательство",
    capacity: int = 10,
    starts_in: timedelta = timedelta(days=3),
    place: str = "Тюмень, ул. Республики, 1",
) -> Seminar:
    return await Repositories(app.db).seminars.create(
        title,
        "Как НКО зарабатывать",
        datetime.now(UTC) + starts_in,
        place,
        capacity,
        None,
        datetime.now(UTC),
    )


async def with_profile(app: App, updates: UpdateFactory, user_id: int) -> TgUser:
    user = updates.tg_user(user_id)
    now = datetime.now(UTC)
    repos = Repositories(app.db)
    await repos.users.record_seen(user_id, user.first_name, None, user.username, "ru", now)
    await repos.profiles.save(user_id, f"Участник {user_id}", "НКО", PHONE, now, now)
    return user


def sent(session: RecordingSession, chat_id: int) -> list[Any]:
    return [c for c in session.calls if getattr(c, "chat_id", None) == chat_id]


def button(session: RecordingSession, chat_id: int, fragment: str) -> str:
    for text, data in session.buttons(chat_id).items():
        if fragment.lower() in text.lower():
            return data
    raise AssertionError(f"no button with {fragment!r}")


def contact_update(updates: UpdateFactory, user: TgUser, owner: int) -> Update:
    update = updates.message(user, "x")
    assert update.message is not None
    message = update.message.model_copy(
        update={
            "text": None,
            "contact": Contact(phone_number="79123456780", first_name="A", user_id=owner),
        }
    )
    return update.model_copy(update={"message": message})


def photo_update(updates: UpdateFactory, user: TgUser, caption: str) -> Update:
    update = updates.message(user, "x")
    assert update.message is not None
    photo = [PhotoSize(file_id="photo-1", file_unique_id="p1", width=9, height=9)]
    message = update.message.model_copy(update={"text": None, "photo": photo, "caption": caption})
    return update.model_copy(update={"message": message})


async def test_list_shows_dates_plurals_and_pages(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    full = await seminar(app, "Полный семинар", capacity=1, starts_in=timedelta(days=1))
    await with_profile(app, updates, 50)
    await app.registration.register(50, full.id)
    for n in range(2, 11):
        await seminar(app, f"Семинар {n:02d}", capacity=3, starts_in=timedelta(days=n))
    past = await seminar(app, "Прошедший", starts_in=timedelta(days=-1))
    user = updates.tg_user(1)

    await feed(app, updates.message(user, "/seminars"))
    [listing] = session.of_type(SendMessage)
    assert "Мест нет — можно встать в лист ожидания" in listing.text
    assert "осталось 3 места" in listing.text
    assert past.title not in listing.text
    titles = list(keyboard_buttons(listing.reply_markup))
    assert titles[:8] == ["Полный семинар"] + [f"Семинар {n:02d}" for n in range(2, 9)]
    assert "Вперёд ▶️" in titles

    await feed(app, updates.callback(user, button(session, 1, "Вперёд")))
    [page] = session.of_type(EditMessageText)
    assert [t for t in keyboard_buttons(page.reply_markup) if t.startswith("Семинар")] == [
        "Семинар 09",
        "Семинар 10",
    ]
    assert "Страница 2 из 2" in page.text


ORGANISERS_FAQ = """
- id: phone
  category: Контакты
  question: Кому позвонить по поводу семинара?
  answer: Звоните в Альянс НКО.
"""


async def test_consent_step_answers_a_question_without_the_bundled_faq(
    app: App, session: RecordingSession, updates: UpdateFactory, tmp_path: Path
) -> None:
    """The organisers' own FAQ file has none of the bundled entries: the answer is fixed."""
    faq_path = tmp_path / "faq.yml"
    faq_path.write_text(ORGANISERS_FAQ, encoding="utf-8")
    await app.faq.import_file(faq_path)
    s = await seminar(app)
    for user_id, lang in ((2, "ru"), (3, "en")):
        user = updates.tg_user(user_id, lang)
        await feed(app, updates.message(user, f"/start seminar_{s.id}"))
        await feed(app, updates.callback(user, button(session, user_id, "✍️")))
    for question in ("можно без телефона?", "Кому позвонить по поводу семинара?"):
        await feed(app, updates.message(updates.tg_user(2), question))
        reply = session.texts(2)[-1]
        for fact in (
            "ФИО, название организации и номер телефона",
            "связаться с вами, если семинар изменится",
            "только организаторы и администраторы Альянса НКО",
            "Телефон обязателен",
            "/forget_me",
        ):
            assert fact in reply
        assert reply.endswith("Чтобы продолжить, нажмите «Согласен ✅» выше. Выйти — /cancel")
        assert "Звоните в Альянс" not in reply
    await feed(app, updates.message(updates.tg_user(3, "en"), "is this required?"))
    reply = session.texts(3)[-1]
    assert "The phone number is required" in reply and "admins of the NGO Alliance" in reply
    assert reply.endswith("To go on, press “I agree ✅” above. To leave: /cancel")
    # The dialog stayed at the consent step: «Согласен» still leads to the first question.
    await feed(app, updates.callback(updates.tg_user(2), button(session, 2, "Согласен")))
    assert "фамилию, имя и отчество" in session.texts(2)[-1]


async def test_card_register_with_profile_dialog(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app, place="https://zoom.us/j/1?a=1&b=2")
    user = updates.tg_user(2)
    await feed(app, updates.message(user, "/seminars"))
    await feed(app, updates.callback(user, button(session, 2, s.title)))
    card = session.texts(2)[-1]
    assert s.title in card and "Как НКО зарабатывать" in card
    assert '<a href="https://zoom.us/j/1?a=1&amp;b=2">' in card
    assert "осталось 10 мест" in card and "Вы пока не записаны" in card
    assert "Нажмите «Записаться»" in card
    assert set(session.buttons(2)) >= {"✍️ Записаться", "📅 Добавить в календарь"}

    await feed(app, updates.callback(user, button(session, 2, "Записаться")))
    consent = session.texts(2)[-1]
    for fragment in ("ФИО", "организации", "телефон", "администратор", "/forget_me"):
        assert fragment in consent
    for question in ("а можно с ребёнком?", "что будет, если я не соглашусь?"):
        await feed(app, updates.message(user, question))
        reply = session.texts(2)[-1]
        assert "Телефон обязателен" in reply and "/ask" in reply and "«Согласен ✅»" in reply
    await feed(app, updates.callback(user, button(session, 2, "Согласен")))
    assert "фамилию, имя и отчество" in session.texts(2)[-1]

    await feed(app, updates.message(user, "Я" * 5000))
    assert "не больше 200" in session.texts(2)[-1]
    assert "фамилию, имя и отчество" in session.texts(2)[-1]
    # A photo with a caption is text: the caption is the name.
    await feed(app, photo_update(updates, user, "Иванова Анна Петровна"))
    await feed(app, updates.message(user, "😀🎉🔥"))
    assert "буквы" in session.texts(2)[-1] and "организацию" in session.texts(2)[-1]
    await feed(app, updates.message(user, "АНО «Добро»"))
    phone_question = sent(session, 2)[-1]
    assert isinstance(phone_question.reply_markup, ReplyKeyboardMarkup)
    assert phone_question.reply_markup.keyboard[0][0].request_contact
    await feed(app, updates.message(user, "12345"))
    assert "номер" in session.texts(2)[-1]
    assert await Repositories(app.db).profiles.get(2) is None

    await feed(app, updates.message(user, "8 (912) 345-67-89"))
    profile = await Repositories(app.db).profiles.get(2)
    assert profile is not None
    assert (profile.full_name, profile.organisation, profile.phone) == (
        "Иванова Анна Петровна",
        "АНО «Добро»",
        PHONE,
    )
    [done] = session.texts(2)[-1:]
    assert "профиль сохранён" in done and "Вы записаны" in done and "/my" in done
    assert isinstance(sent(session, 2)[-1].reply_markup, ReplyKeyboardRemove)
    live = await Repositories(app.db).registrations.live(s.id, 2)
    assert live is not None and live.status is RegistrationStatus.CONFIRMED
    state = await app.dispatcher.fsm.get_context(app.bot, 2, 2).get_state()
    assert state is None


async def test_cancel_leaves_profile_dialog_and_commands_pass_through(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = updates.tg_user(3)
    await feed(app, updates.callback(user, f"sem:reg:{s.id}"))
    await feed(app, updates.callback(user, button(session, 3, "Согласен")))
    await feed(app, updates.message(user, "/seminars"))
    assert s.title in session.texts(3)[-1]  # the command worked, not taken as a name
    await feed(app, updates.message(user, "/cancel"))
    assert session.texts(3)[-1].startswith("Действие отменено.")
    await feed(app, updates.message(user, "Иван Иванов"))
    repos = Repositories(app.db)
    assert await repos.profiles.get(3) is None
    assert await repos.registrations.live(s.id, 3) is None


async def test_shared_contact_must_be_own(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = updates.tg_user(4)
    await feed(app, updates.callback(user, f"sem:reg:{s.id}"))
    await feed(app, updates.callback(user, button(session, 4, "Согласен")))
    await feed(app, updates.message(user, "Пётр Петров"))
    await feed(app, updates.message(user, "Фонд"))
    await feed(app, contact_update(updates, user, owner=999))
    assert "чужой контакт" in session.texts(4)[-1]
    await feed(app, contact_update(updates, user, owner=4))
    profile = await Repositories(app.db).profiles.get(4)
    assert profile is not None and profile.phone == "+79123456780"


async def test_waitlist_cancel_and_promotion_notice(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app, "Круглый стол", capacity=1)
    a = await with_profile(app, updates, 10)
    b = await with_profile(app, updates, 11)
    english = await with_profile(app, updates, 12)
    await Repositories(app.db).users.set_language(12, "en")

    await feed(app, updates.callback(a, f"sem:reg:{s.id}"))
    assert "Вы записаны" in session.texts(10)[-1]
    await feed(app, updates.message(b, f"/start seminar_{s.id}"))
    assert "Мест нет — можно встать в лист ожидания" in session.texts(11)[-1]
    await feed(app, updates.callback(b, button(session, 11, "Лист ожидания")))
    assert "номер в очереди: 1" in session.texts(11)[-1]
    await feed(app, updates.message(a, f"/start seminar_{s.id}"))
    holder_card = session.texts(10)[-1]  # the seat holder is not offered the waitlist
    assert "Мест нет (всего мест: 1)" in holder_card and "лист ожидания" not in holder_card
    await feed(app, updates.callback(english, f"sem:reg:{s.id}"))
    assert "waitlist" in session.texts(12)[-1] and "number 2" in session.texts(12)[-1]

    await feed(app, updates.callback(a, button(session, 10, "Отменить запись")))
    assert "Вы уверены" in session.texts(10)[-1]
    assert session.texts(10)[-1].count("Круглый стол") == 1
    await feed(app, updates.callback(a, button(session, 10, "Да")))
    assert "отменена" in session.texts(10)[-1]
    promoted = session.texts(11)[-1]
    assert "Освободилось место" in promoted and "Круглый стол" in promoted
    repos = Repositories(app.db)
    live = await repos.registrations.live(s.id, 11)
    assert live is not None and live.status is RegistrationStatus.CONFIRMED

    await feed(app, updates.message(english, "/my"))
    assert "waitlist, number 1 in the queue" in session.texts(12)[-1]
    # Leaving the waitlist promotes nobody.
    await feed(app, updates.callback(english, f"sem:cancel_yes:{s.id}"))
    assert "no longer on the waitlist" in session.texts(12)[-1]


async def test_double_press_makes_one_registration(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = await with_profile(app, updates, 20)
    press = updates.callback(user, f"sem:reg:{s.id}")
    await feed(app, press)
    await feed(app, press)  # the same update delivered twice
    await feed(app, updates.callback(user, f"sem:reg:{s.id}"))
    rows = await Repositories(app.db).registrations.for_seminar(s.id)
    assert len(rows) == 1
    assert "уже записаны" in session.texts(20)[-1]


async def test_deep_link_bad_ids_and_cancelled_or_past_seminars(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = await with_profile(app, updates, 30)
    for args in ("seminar_999", "seminar_abc", "seminar_"):
        await feed(app, updates.message(user, f"/start {args}"))
        assert "Такого семинара нет" in session.texts(30)[-1]
    cancelled = await seminar(app, "Отменённый")
    await Repositories(app.db).seminars.set_status(
        cancelled.id, SeminarStatus.CANCELLED, datetime.now(UTC)
    )
    await feed(app, updates.message(user, f"/start seminar_{cancelled.id}"))
    assert "Семинар отменён" in session.texts(30)[-1]
    assert not any("Записаться" in t for t in session.buttons(30))
    past = await seminar(app, "Вчерашний", starts_in=timedelta(hours=-3))
    await feed(app, updates.message(user, f"/start seminar_{past.id}"))
    assert "запись закрыта" in session.texts(30)[-1]
    assert not any("Записаться" in t for t in session.buttons(30))
    await feed(app, updates.callback(user, f"sem:reg:{past.id}"))
    assert "Запись на семинар «Вчерашний» закрыта" in session.texts(30)[-1]
    assert await Repositories(app.db).registrations.live(past.id, 30) is None


async def test_forged_callbacks_change_nothing(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app, capacity=1)
    owner = await with_profile(app, updates, 40)
    intruder = await with_profile(app, updates, 41)
    await app.registration.register(40, s.id)

    await feed(app, updates.callback(intruder, "sem:reg:99999"))
    await feed(app, updates.callback(intruder, "sem:reg:abc"))
    await feed(app, updates.callback(intruder, "sem:cancel_yes:99999"))
    answers = [a.text for a in session.of_type(AnswerCallbackQuery)]
    assert answers[0] == answers[2] == "Такого семинара нет."  # the way on comes as a message
    assert answers[1] == "Эта кнопка устарела."
    texts = session.texts(41)
    assert texts[-3] == texts[-1] and "по кнопке ниже" in texts[-1] and "/seminars" not in texts[-1]
    assert list(session.buttons(41)) == ["📅 Ближайшие семинары"]
    # A forged id: the pop-up says what happened, the message what to do, not the same twice.
    assert texts[-2].startswith("Эта кнопка устарела. Откройте раздел «Семинары»")
    await feed(app, updates.callback(intruder, "zzz:1:2"))
    assert session.of_type(AnswerCallbackQuery)[-1].text == "Эта кнопка устарела."
    assert session.texts(41)[-1] == "Чтобы продолжить, выберите раздел в меню ниже."
    assert "📅 Семинары" in session.buttons(41)
    await feed(app, updates.callback(intruder, f"sem:cancel_yes:{s.id}"))
    assert "не записаны" in session.texts(41)[-1]
    live = await Repositories(app.db).registrations.live(s.id, owner.id)
    assert live is not None and live.status is RegistrationStatus.CONFIRMED
    assert len(await Repositories(app.db).registrations.for_seminar(s.id)) == 1


async def test_calendar_file(app: App, session: RecordingSession, updates: UpdateFactory) -> None:
    s = await seminar(app, "Семинар; с, символами")
    user = updates.tg_user(60)
    await feed(app, updates.callback(user, f"sem:ics:{s.id}"))
    [document] = session.of_type(SendDocument)
    assert document.document.filename.endswith(".ics")
    calendar = Calendar.from_ical(document.document.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Семинар; с, символами"
    assert event.decoded("dtstart") == s.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert str(event["location"]) == s.place
    assert event["uid"]


async def test_my_lists_registrations_past_and_profile(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = await with_profile(app, updates, 70)
    soon = await seminar(app, "Скоро", starts_in=timedelta(days=1))
    await seminar(app, "Без меня", starts_in=timedelta(days=2))
    past = await seminar(app, "Давно", starts_in=timedelta(minutes=1))
    await app.registration.register(70, past.id)
    await app.registration.register(70, soon.id)
    async with app.db.transaction() as tx:
        await Repositories(tx).seminars.update(
            past.id, datetime.now(UTC), starts_at=datetime.now(UTC) - timedelta(days=5)
        )

    await feed(app, updates.message(user, "/my"))
    text = session.texts(70)[-1]
    assert "Скоро" in text and "Без меня" not in text
    assert "Прошедших семинаров: 1" in text and "«Давно»" in text
    assert PHONE in text and "НКО" in text
    names = session.buttons(70)
    assert "Скоро" in names and "✏️ Изменить профиль" in names

    await feed(app, updates.callback(user, names["✏️ Изменить профиль"]))
    assert "фамилию, имя и отчество" in session.texts(70)[-1]  # no consent asked again
    await feed(app, updates.message(user, "Новое Имя"))
    await feed(app, updates.message(user, "Новая НКО"))
    await feed(app, updates.message(user, "+7 912 000-00-01"))
    assert session.texts(70)[-1] == "Профиль обновлён."
    profile = await Repositories(app.db).profiles.get(70)
    assert profile is not None and profile.phone == "+79120000001"

    # In English the titles take English quotes.
    await feed(app, updates.message(updates.tg_user(70, "en"), "/my"))
    english = session.texts(70)[-1]
    assert "The last one: “Давно”." in english and "«" not in english


async def test_menu_buttons_open_list_and_my(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = updates.tg_user(80)
    await feed(app, updates.callback(user, "menu:seminars"))
    assert s.title in session.texts(80)[-1]
    await feed(app, updates.callback(user, "menu:my"))
    assert "Мои записи" in session.texts(80)[-1]


async def test_forget_me_removes_personal_data_from_file(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app, capacity=1)
    user = await with_profile(app, updates, 90)
    other = await with_profile(app, updates, 91)
    await app.registration.register(90, s.id)
    await app.registration.register(91, s.id)
    db_file = app.db.path
    wal = db_file.with_name(db_file.name + "-wal")

    def stored() -> bytes:
        return b"".join(p.read_bytes() for p in (db_file, wal) if p.exists())

    assert PHONE.encode() in stored()  # the check below would otherwise prove nothing

    await feed(app, updates.message(user, "/forget_me"))
    assert "нельзя отменить" in session.texts(90)[-1]
    await feed(app, updates.callback(user, button(session, 90, "Да, удалить")))
    report = session.texts(90)[-1]
    assert "профиль" in report and "отменена 1 запись" in report
    assert "Освободилось место" in session.texts(other.id)[-1]

    repos = Repositories(app.db)
    assert await repos.profiles.get(90) is None
    assert await repos.registrations.live(s.id, 90) is None
    # Only user 91 still has the phone; remove theirs too and the value must be gone.
    await feed(app, updates.message(other, "/forget_me"))
    await feed(app, updates.callback(other, button(session, 91, "Да, удалить")))
    assert PHONE.encode() not in stored()
    assert "Участник 90".encode() not in stored()
    assert b"user90" not in stored()


async def test_forget_me_keeps_a_cancelled_seminars_registration(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = await with_profile(app, updates, 92)
    await app.registration.register(92, s.id)
    await Repositories(app.db).seminars.set_status(s.id, SeminarStatus.CANCELLED, datetime.now(UTC))

    await feed(app, updates.message(user, "/forget_me"))
    await feed(app, updates.callback(user, button(session, 92, "Да, удалить")))

    # The report counts registrations as they were when the seminar was cancelled.
    row = await app.db.fetch_one(
        "SELECT status, user_id FROM registrations WHERE seminar_id = ?", (s.id,)
    )
    assert row is not None
    assert (row["status"], row["user_id"]) == ("confirmed", None)


async def test_declining_consent_saves_nothing(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app)
    user = updates.tg_user(100)
    await feed(app, updates.callback(user, f"sem:reg:{s.id}"))
    await feed(app, updates.callback(user, button(session, 100, "Не согласен")))
    assert "без согласия" in session.texts(100)[-1]
    await feed(app, updates.message(user, "Иван Иванов"))
    repos = Repositories(app.db)
    assert await repos.profiles.get(100) is None
    assert await repos.registrations.live(s.id, 100) is None
    assert await app.dispatcher.fsm.get_context(app.bot, 100, 100).get_state() is None


async def test_english_list_and_card(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    s = await seminar(app, "Impact 101", capacity=1)
    user = updates.tg_user(110, "en")
    await feed(app, updates.message(user, "/seminars"))
    assert "1 seat left" in session.texts(110)[-1]
    await feed(app, updates.callback(user, button(session, 110, "Impact 101")))
    card = session.texts(110)[-1]
    assert "You are not registered yet." in card
    assert {"✍️ Register", "📅 Add to calendar"} <= set(session.buttons(110))
    assert s.title in card
