"""/new_seminar, /edit_seminar and /cancel_seminar through the dispatcher, and role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendDocument

from bot.app import App, build_app
from bot.services.reminders import job_id
from bot.services.seminar_admin import SeminarField
from bot.settings import Settings
from handlers.admin_seminars.cancel import AdmCancelCb, CancelSeminar
from handlers.admin_seminars.edit import AdmEditCb, EditSeminar
from handlers.admin_seminars.new import AdmNewCb, NewSeminar
from handlers.seminar_views import render_seminar_card
from storage.models import RegistrationStatus, Seminar, SeminarFormat, SeminarStatus
from storage.repositories import Repositories
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession

NOW = datetime(2027, 1, 10, 7, 0, tzinfo=UTC)  # 12:00 in Yekaterinburg
REFUSAL = "Эта команда доступна только организаторам."


@pytest.fixture
async def app(tmp_path: Path, session: RecordingSession) -> AsyncIterator[App]:
    settings = Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        _env_file=None,  # type: ignore[call-arg]
    )
    application = build_app(settings, clock=lambda: NOW, session=session)
    await application.db.connect()
    # Started (so a rescheduled job replaces the old one) but paused: nothing fires.
    application.scheduler.start(paused=True)
    yield application
    application.scheduler.shutdown(wait=False)
    await application.db.close()


def reminder_times(app: App, seminar_id: int) -> list[datetime | None]:
    """When each of the seminar's reminder jobs (one per REMINDER_OFFSETS entry) will run."""
    jobs = [app.scheduler.get_job(job_id(seminar_id, o)) for o in app.settings.reminder_offsets]
    return [job.trigger.run_date if job else None for job in jobs]


def last_text(session: RecordingSession, chat_id: int) -> str:
    return session.texts(chat_id)[-1]


async def say(app: App, updates: UpdateFactory, user_id: int, text: str, lang: str = "ru") -> None:
    await feed(app, updates.message(updates.tg_user(user_id, lang), text))


async def press(app: App, updates: UpdateFactory, user_id: int, data: str) -> None:
    await feed(app, updates.callback(updates.tg_user(user_id), data))


def fsm(app: App, user_id: int) -> FSMContext:
    return app.dispatcher.fsm.get_context(app.bot, chat_id=user_id, user_id=user_id)


async def make_seminar(app: App, capacity: int = 10, title: str = "Гранты для НКО") -> Seminar:
    return await Repositories(app.db).seminars.create(
        title=title,
        description="",
        starts_at=datetime(2027, 2, 1, 10, 0, tzinfo=UTC),  # 15:00 local
        place="Тюмень, ул. Республики, 1",
        capacity=capacity,
        created_by=ADMIN_ID,
        now=NOW,
    )


async def register(
    app: App, seminar: Seminar, user_id: int, status: RegistrationStatus, lang: str = "ru"
) -> None:
    repos = Repositories(app.db)
    await repos.users.record_seen(user_id, f"U{user_id}", None, None, lang, NOW)
    await repos.registrations.insert(seminar.id, user_id, status, NOW)


async def test_new_seminar_dialog_validates_each_step_and_publishes(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await say(app, updates, ADMIN_ID, "/new_seminar")
    assert "название" in last_text(session, ADMIN_ID)

    await say(app, updates, ADMIN_ID, "ab")
    assert "от 3 до 120" in last_text(session, ADMIN_ID)
    assert await fsm(app, ADMIN_ID).get_state() == NewSeminar.title.state
    await say(app, updates, ADMIN_ID, "Соцпредпринимательство <с нуля>")
    assert "описание" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "-")
    assert "ДД.ММ.ГГГГ ЧЧ:ММ" in last_text(session, ADMIN_ID)

    for wrong, expected in (
        ("garbage", "Не понял дату"),
        ("31.02.2027 10:00", "Такой даты или времени не бывает"),
        ("09.01.2027 10:00", "уже прошло"),
    ):
        await say(app, updates, ADMIN_ID, wrong)
        assert expected in last_text(session, ADMIN_ID)
        assert await fsm(app, ADMIN_ID).get_state() == NewSeminar.starts_at.state
    await say(app, updates, ADMIN_ID, "25.01.2027 15:00")
    assert "место" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "Тюмень, ул. Республики, 1")
    assert "мест" in last_text(session, ADMIN_ID)

    # The format step, in words and without buttons; the capacity right away means in person.
    assert "«Онлайн»" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "abc")
    assert "целое число" in last_text(session, ADMIN_ID)
    assert await fsm(app, ADMIN_ID).get_state() == NewSeminar.format.state
    await say(app, updates, ADMIN_ID, "30")

    card = last_text(session, ADMIN_ID)
    assert "<b>Соцпредпринимательство &lt;с нуля&gt;</b>" in card
    assert "Понял: 25 января 2027, пн, 15:00 по тюменскому времени (МСК+2)." in card
    assert "осталось 30 мест (всего мест: 30)" in card
    assert "Формат: Очно" in card
    keyboard = session.buttons(ADMIN_ID)
    assert {"Онлайн", "Смешанный"} <= set(keyboard) and "Очно" not in keyboard
    publish = next(data for text, data in keyboard.items() if text.startswith("Опубликовать"))
    await press(app, updates, ADMIN_ID, publish)

    [seminar] = await Repositories(app.db).seminars.all()
    assert seminar.title == "Соцпредпринимательство <с нуля>"
    assert seminar.starts_at == datetime(2027, 1, 25, 10, 0, tzinfo=UTC)
    assert (seminar.description, seminar.capacity, seminar.duration_minutes) == ("", 30, 120)
    assert card.endswith(
        render_seminar_card(
            seminar,
            app.translator.for_language("ru"),
            app.settings.timezone,
            seats_left=30,
            now=NOW,
            free=True,
        )
    )
    link = f"https://t.me/seminar_test_bot?start=seminar_{seminar.id}"
    assert link in last_text(session, ADMIN_ID)
    assert reminder_times(app, seminar.id) == [
        seminar.starts_at - timedelta(hours=24),
        seminar.starts_at - timedelta(hours=1),
    ]
    assert await fsm(app, ADMIN_ID).get_state() is None

    await press(app, updates, ADMIN_ID, publish)
    assert len(await Repositories(app.db).seminars.all()) == 1


async def test_cancel_leaves_the_dialog_and_discard_drops_the_draft(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await say(app, updates, ADMIN_ID, "/new_seminar")
    await say(app, updates, ADMIN_ID, "Первый семинар")
    await say(app, updates, ADMIN_ID, "/cancel")
    assert last_text(session, ADMIN_ID).startswith("Действие отменено.")
    assert await fsm(app, ADMIN_ID).get_state() is None

    await say(app, updates, ADMIN_ID, "/new_seminar")
    for text in ("Второй семинар", "Описание", "2027-01-20 10:00", "Онлайн", "5"):
        await say(app, updates, ADMIN_ID, text)
    await say(app, updates, ADMIN_ID, "что дальше?")
    assert "Опубликовать" in last_text(session, ADMIN_ID)
    await press(app, updates, ADMIN_ID, AdmNewCb(action="discard").pack())
    assert "не опубликован" in last_text(session, ADMIN_ID)
    assert await Repositories(app.db).seminars.all() == []


async def test_english_admin_gets_english_dialog(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await say(app, updates, ADMIN_ID, "/new_seminar", lang="en")
    await say(app, updates, ADMIN_ID, "Grants", lang="en")
    await say(app, updates, ADMIN_ID, "-", lang="en")
    await say(app, updates, ADMIN_ID, "31.02.2027 10:00", lang="en")
    assert "There is no such date" in last_text(session, ADMIN_ID)


async def test_non_admin_is_refused_everywhere(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app)
    outsider = 77
    for command in ("/new_seminar", "/edit_seminar", "/cancel_seminar"):
        await say(app, updates, outsider, command)
        assert last_text(session, outsider) == REFUSAL
    assert await fsm(app, outsider).get_state() is None

    for data in (
        AdmNewCb(action="publish").pack(),
        AdmEditCb(seminar_id=seminar.id).pack(),
        AdmCancelCb(seminar_id=seminar.id, action="yes").pack(),
    ):
        await press(app, updates, outsider, data)
        assert session.of_type(AnswerCallbackQuery)[-1].text == REFUSAL

    # Someone whose admin rights were withdrawn while a dialog was open.
    await fsm(app, outsider).set_state(NewSeminar.capacity)
    await say(app, updates, outsider, "30")
    assert last_text(session, outsider) == REFUSAL
    assert await fsm(app, outsider).get_state() is None

    stored = await Repositories(app.db).seminars.get(seminar.id)
    assert stored == seminar
    assert reminder_times(app, seminar.id) == [None, None]


async def test_moving_a_seminar_tells_registrants_and_reschedules(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app, capacity=1)
    await register(app, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(app, seminar, 12, RegistrationStatus.WAITLIST, lang="en")
    await register(app, seminar, 13, RegistrationStatus.CANCELLED)
    await app.reminders.schedule_seminar(seminar)

    await say(app, updates, ADMIN_ID, "/edit_seminar")
    await press(app, updates, ADMIN_ID, session.buttons(ADMIN_ID)["Гранты для НКО"])
    field_buttons = session.buttons(ADMIN_ID)
    assert list(field_buttons) == [
        "Название",
        "Описание",
        "Дата и время",
        "Длительность",
        "Место",
        "Вместимость",
        "Формат",
        "Ссылка на встречу",
        "Программа обучения",
    ]
    await press(app, updates, ADMIN_ID, field_buttons["Дата и время"])
    assert "01.02.2027 15:00" in last_text(session, ADMIN_ID)

    await say(app, updates, ADMIN_ID, "31.02.2027 10:00")
    assert "Такой даты" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "03.02.2027 18:30")
    assert "изменено" in session.texts(ADMIN_ID)[-1]

    moved = await Repositories(app.db).seminars.get(seminar.id)
    assert moved is not None and moved.starts_at == datetime(2027, 2, 3, 13, 30, tzinfo=UTC)
    assert reminder_times(app, seminar.id) == [
        moved.starts_at - timedelta(hours=24),
        moved.starts_at - timedelta(hours=1),
    ]
    # A move comes as a calendar file whose caption is the notice, with buttons under it.
    documents = session.of_type(SendDocument)
    [ru_notice] = [d.caption for d in documents if d.chat_id == 11]
    assert "Было: 1 февраля 2027, пн, 15:00" in ru_notice
    assert "Стало: 3 февраля 2027, ср, 18:30" in ru_notice
    [en_notice] = [d.caption for d in documents if d.chat_id == 12]
    assert "Was: 1 February 2027, Mon, 15:00" in en_notice
    assert "Now: 3 February 2027, Wed, 18:30" in en_notice
    assert session.texts(13) == [] and not [d for d in documents if d.chat_id == 13]


async def test_changing_the_place_tells_registrants_without_rescheduling(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await Repositories(app.db).seminars.create(
        "Гранты для НКО", "", NOW + timedelta(days=5), "Тюмень, ул. Республики, 1", 10,
        ADMIN_ID, NOW - timedelta(hours=1),
    )  # fmt: skip
    await register(app, seminar, 11, RegistrationStatus.CONFIRMED)
    await app.reminders.schedule_seminar(seminar)
    before = reminder_times(app, seminar.id)
    await press(
        app, updates, ADMIN_ID, AdmEditCb(seminar_id=seminar.id, field=SeminarField.PLACE).pack()
    )
    await say(app, updates, ADMIN_ID, "Онлайн: https://meet.example/x")
    # The notice is the caption of a fresh .ics: the calendar's event gets the new place.
    [document] = [d for d in session.of_type(SendDocument) if d.chat_id == 11]
    notice = document.caption
    assert "Было: Тюмень, ул. Республики, 1" in notice
    assert "Стало: Онлайн: https://meet.example/x" in notice
    ics = document.document.data.decode()
    assert f"UID:seminar-{seminar.id}@" in ics
    assert "LOCATION:Онлайн: https://meet.example/x" in ics
    assert "SEQUENCE:3600" in ics
    assert reminder_times(app, seminar.id) == before


async def test_capacity_changes_promote_or_are_refused(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app, capacity=2)
    await register(app, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(app, seminar, 12, RegistrationStatus.CONFIRMED)
    await register(app, seminar, 13, RegistrationStatus.WAITLIST)
    capacity = AdmEditCb(seminar_id=seminar.id, field=SeminarField.CAPACITY).pack()

    await press(app, updates, ADMIN_ID, capacity)
    assert "подтверждённых записей: 2" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "1")
    assert "подтверждено 2 записи" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "много")
    assert "целое число" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "3")
    assert "переведён 1 человек" in last_text(session, ADMIN_ID)

    counts = await Repositories(app.db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (3, 0)
    assert session.texts(11) == session.texts(12) == []


async def test_duration_and_title_edits(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app)
    await register(app, seminar, 11, RegistrationStatus.CONFIRMED)
    await press(
        app, updates, ADMIN_ID, AdmEditCb(seminar_id=seminar.id, field=SeminarField.DURATION).pack()
    )
    await say(app, updates, ADMIN_ID, "полтора")
    assert "1:30" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "1:30")
    await press(
        app, updates, ADMIN_ID, AdmEditCb(seminar_id=seminar.id, field=SeminarField.TITLE).pack()
    )
    await say(app, updates, ADMIN_ID, "Гранты: практикум")
    stored = await Repositories(app.db).seminars.get(seminar.id)
    assert stored is not None
    assert (stored.duration_minutes, stored.title) == (90, "Гранты: практикум")
    assert session.texts(11) == []


async def test_cancelling_a_seminar_tells_everyone_and_drops_reminders(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app, capacity=1)
    await register(app, seminar, 11, RegistrationStatus.CONFIRMED)
    await register(app, seminar, 12, RegistrationStatus.WAITLIST, lang="en")
    await app.reminders.schedule_seminar(seminar)
    assert None not in reminder_times(app, seminar.id)

    await say(app, updates, ADMIN_ID, "/cancel_seminar")
    await press(app, updates, ADMIN_ID, session.buttons(ADMIN_ID)["Гранты для НКО"])
    assert "2 записавшихся" in last_text(session, ADMIN_ID)
    confirm = session.buttons(ADMIN_ID)
    keep = next(data for text, data in confirm.items() if text.startswith("Нет"))
    await press(app, updates, ADMIN_ID, keep)
    assert "остаётся" in last_text(session, ADMIN_ID)
    [dropped] = session.of_type(EditMessageReplyMarkup)
    assert dropped.reply_markup is None

    # The answered confirmation's «Да» (still on an old screen) cancels nothing.
    yes = next(data for text, data in confirm.items() if text.startswith("Да"))
    await press(app, updates, ADMIN_ID, yes)
    stored = await Repositories(app.db).seminars.get(seminar.id)
    assert stored is not None and stored.status is SeminarStatus.PUBLISHED
    assert "/cancel_seminar" in last_text(session, ADMIN_ID)
    assert session.texts(11) == [] and session.texts(12) == []

    await press(app, updates, ADMIN_ID, session.buttons(ADMIN_ID)["Отменить семинар"])
    await press(app, updates, ADMIN_ID, session.buttons(ADMIN_ID)["Гранты для НКО"])
    await press(app, updates, ADMIN_ID, yes)

    stored = await Repositories(app.db).seminars.get(seminar.id)
    assert stored is not None and stored.status is SeminarStatus.CANCELLED
    assert reminder_times(app, seminar.id) == [None, None]
    notice = session.texts(11)[-1]
    assert "отменён организаторами" in notice and "has been cancelled" in session.texts(12)[-1]
    assert "))" not in notice and "/seminars" not in notice
    assert list(session.buttons(11)) == ["📅 Ближайшие семинары"]

    # An older notice's «Открыть семинар»: cancelled, not "registered", not "free".
    await press(app, updates, 11, f"sem:card:{seminar.id}")
    card = session.texts(11)[-1]
    assert "отменён организаторами" in card
    assert "Вы записаны" not in card and "бесплатное" not in card
    assert list(session.buttons(11)) == ["◀️ К списку семинаров"]
    # The old card's «leave the waitlist» and its confirmation: cancelled, nothing asked.
    for action in ("cancel", "cancel_yes", "keep"):
        await press(app, updates, 12, f"sem:{action}:{seminar.id}")
        assert "Семинар отменён организаторами" in session.texts(12)[-1]
        assert "лист ожидания" not in session.texts(12)[-1]
        assert list(session.buttons(12)) == ["◀️ К списку семинаров"]
    await say(app, updates, 11, "/forget_me")
    await press(app, updates, 11, "forget:yes")
    assert "ваши данные удалены" in last_text(session, 11)
    assert "предстоящие" not in last_text(session, 11)

    told = len(session.texts(11))
    await press(app, updates, ADMIN_ID, yes)
    assert session.of_type(AnswerCallbackQuery)[-1].text == "Уже сделано."
    assert len(session.texts(11)) == told
    await say(app, updates, ADMIN_ID, "/edit_seminar")
    assert "Ближайших семинаров нет" in last_text(session, ADMIN_ID)


async def test_a_seminar_list_of_a_cancelled_or_finished_dialog_is_out_of_date(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await make_seminar(app)
    await say(app, updates, ADMIN_ID, "/cancel_seminar")
    cancel_list = session.buttons(ADMIN_ID)
    await say(app, updates, ADMIN_ID, "Гранты")
    assert last_text(session, ADMIN_ID) == "Выберите вариант кнопкой выше. Выйти — /cancel."
    await say(app, updates, ADMIN_ID, "/cancel")
    assert last_text(session, ADMIN_ID).startswith("Действие отменено.")
    # The list left on screen: the out-of-date line with a way back, no confirmation.
    await press(app, updates, ADMIN_ID, cancel_list["Гранты для НКО"])
    assert "Эта кнопка устарела" in last_text(session, ADMIN_ID)
    assert list(session.buttons(ADMIN_ID)) == ["Отменить семинар"]
    assert await fsm(app, ADMIN_ID).get_state() is None

    # The same list after its dialog ended with «Нет, оставить».
    await say(app, updates, ADMIN_ID, "/cancel_seminar")
    cancel_list = session.buttons(ADMIN_ID)
    await press(app, updates, ADMIN_ID, cancel_list["Гранты для НКО"])
    keep = next(data for text, data in session.buttons(ADMIN_ID).items() if text.startswith("Нет"))
    await press(app, updates, ADMIN_ID, keep)
    await press(app, updates, ADMIN_ID, cancel_list["Гранты для НКО"])
    assert "Эта кнопка устарела" in last_text(session, ADMIN_ID)

    # /edit_seminar: the list is out of date once the change is made; the seminar's
    # fields stay live, so a second field needs no new list.
    await say(app, updates, ADMIN_ID, "/edit_seminar")
    edit_list = session.buttons(ADMIN_ID)
    await press(app, updates, ADMIN_ID, edit_list["Гранты для НКО"])
    fields = session.buttons(ADMIN_ID)
    await press(app, updates, ADMIN_ID, fields["Место"])
    await say(app, updates, ADMIN_ID, "Тюмень, ул. Мира, 2")
    await press(app, updates, ADMIN_ID, edit_list["Гранты для НКО"])
    assert "Эта кнопка устарела" in last_text(session, ADMIN_ID)
    assert list(session.buttons(ADMIN_ID)) == ["Изменить семинар"]
    await press(app, updates, ADMIN_ID, fields["Вместимость"])
    assert "Пришлите новое число мест" in last_text(session, ADMIN_ID)
    stored = await Repositories(app.db).seminars.get(seminar.id)
    assert stored is not None and stored.status is SeminarStatus.PUBLISHED
    assert stored.place == "Тюмень, ул. Мира, 2"


async def test_past_seminar_buttons_are_refused(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await Repositories(app.db).seminars.create(
        "Прошедший", "", NOW - timedelta(hours=1), "Тюмень", 5, ADMIN_ID, NOW
    )
    # Picked from a list shown before it started (the list is still the current step).
    await fsm(app, ADMIN_ID).set_state(EditSeminar.pick)
    await press(app, updates, ADMIN_ID, AdmEditCb(seminar_id=seminar.id).pack())
    assert "уже прошёл" in (session.of_type(AnswerCallbackQuery)[-1].text or "")
    # Confirmed after the seminar started (the confirmation was asked in time).
    await fsm(app, ADMIN_ID).set_state(CancelSeminar.confirm)
    await fsm(app, ADMIN_ID).set_data({"seminar_id": seminar.id})
    await press(app, updates, ADMIN_ID, AdmCancelCb(seminar_id=seminar.id, action="yes").pack())
    assert "уже начался" in (session.of_type(AnswerCallbackQuery)[-1].text or "")


async def test_new_online_seminar_asks_the_link_after_the_format_typed_in_words(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    for text in ("/new_seminar", "Онлайн-школа", "-", "25.01.2027 15:00", "Zoom", "смешанный"):
        await say(app, updates, ADMIN_ID, text)
    assert "ссылка" in last_text(session, ADMIN_ID)
    await say(app, updates, ADMIN_ID, "javascript:alert(1)")
    assert "https://" in last_text(session, ADMIN_ID)
    assert await fsm(app, ADMIN_ID).get_state() == NewSeminar.meeting_link.state
    await say(app, updates, ADMIN_ID, "https://meet.example.org/room")
    await say(app, updates, ADMIN_ID, "12")
    assert "Формат: Смешанный" in last_text(session, ADMIN_ID)
    publish = next(d for t, d in session.buttons(ADMIN_ID).items() if t.startswith("Опубл"))
    await press(app, updates, ADMIN_ID, publish)
    [seminar] = await Repositories(app.db).seminars.all()
    assert (seminar.format, seminar.meeting_link, seminar.capacity) == (
        SeminarFormat.HYBRID,
        "https://meet.example.org/room",
        12,
    )


async def test_a_link_or_an_online_place_at_the_format_step_makes_an_online_seminar(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    for text in ("/new_seminar", "Вебинар", "-", "25.01.2027 15:00", "Дома", "https://zoom.us/j/1"):
        await say(app, updates, ADMIN_ID, text)
    assert await fsm(app, ADMIN_ID).get_state() == NewSeminar.capacity.state
    await say(app, updates, ADMIN_ID, "40")
    assert "Формат: Онлайн" in last_text(session, ADMIN_ID)

    # An online-sounding place with the seats typed at once stays in person, as the dialog
    # promises, but the preview says so and offers the switch.
    for text in ("/new_seminar", "Школа НКО", "-", "26.01.2027 15:00", "Онлайн, Zoom", "30"):
        await say(app, updates, ADMIN_ID, text)
    assert "Место похоже на онлайн" in last_text(session, ADMIN_ID)
    assert any(t.startswith("Онлайн") for t in session.buttons(ADMIN_ID))
