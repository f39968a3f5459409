"""The reminder's buttons: "I'll come", "Can't come", and forged or stale presses."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.app import App
from handlers.reminders import ReminderCb
from storage.models import RegistrationStatus, Seminar, SeminarFormat
from storage.repositories import Repositories
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession, keyboard_buttons


async def seminar_with_reminder(app: App, updates: UpdateFactory) -> Seminar:
    """A seminar whose one confirmed user (id 1) got a reminder; user 2 is waitlisted."""
    repos = Repositories(app.db)
    now = app.clock()
    seminar = await repos.seminars.create(
        "Гранты для НКО", "", now + timedelta(hours=2), "Онлайн", 1, ADMIN_ID, now
    )
    for user_id in (1, 2):
        tg = updates.tg_user(user_id)
        await repos.users.record_seen(user_id, tg.first_name, None, None, "ru", now)
        await app.registration.register(user_id, seminar.id)
    await app.reminders.deliver(seminar, timedelta(hours=1))
    await app.outbox.run_until_idle()
    return seminar


def reminder_buttons(session: RecordingSession, chat_id: int) -> dict[str, str]:
    [reminder] = [m for m in session.of_type(SendMessage) if m.chat_id == chat_id]
    return keyboard_buttons(reminder.reply_markup)


async def status_of(app: App, seminar: Seminar, user_id: int) -> tuple[str, str | None]:
    row = await app.db.fetch_one(
        "SELECT status, attendance FROM registrations WHERE seminar_id = ? AND user_id = ?"
        " ORDER BY id DESC",
        (seminar.id, user_id),
    )
    assert row is not None
    return row["status"], row["attendance"]


async def test_ill_come_records_attendance_and_leaves_only_cant_come(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await seminar_with_reminder(app, updates)
    data = reminder_buttons(session, 1)["Приду"]
    await feed(app, updates.callback(updates.tg_user(1), data))
    assert await status_of(app, seminar, 1) == ("confirmed", "yes")
    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.text == "Спасибо! Ждём вас."
    [edit] = session.of_type(EditMessageText)
    assert "Гранты для НКО" in edit.text and "Вы подтвердили" in edit.text
    assert list(keyboard_buttons(edit.reply_markup)) == ["Не смогу"]
    counts = await Repositories(app.db).registrations.counts(seminar.id)
    assert counts.attending == 1


async def test_cant_come_cancels_and_promotes_the_waitlist(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await seminar_with_reminder(app, updates)
    assert await status_of(app, seminar, 2) == ("waitlist", None)
    data = reminder_buttons(session, 1)["Не смогу"]
    await feed(app, updates.callback(updates.tg_user(1), data))
    assert await status_of(app, seminar, 1) == ("cancelled", "no")
    assert await status_of(app, seminar, 2) == ("confirmed", None)
    [edit] = session.of_type(EditMessageText)
    assert "запись отменена" in edit.text
    assert edit.reply_markup is None

    # Pressing again (or "I'll come" on the same old message) changes nothing.
    await feed(app, updates.callback(updates.tg_user(1), reminder_buttons(session, 1)["Приду"]))
    assert await status_of(app, seminar, 1) == ("cancelled", "no")
    assert session.of_type(AnswerCallbackQuery)[-1].show_alert is True


async def test_someone_elses_registration_is_refused(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await seminar_with_reminder(app, updates)
    forged = reminder_buttons(session, 1)["Не смогу"]
    await feed(app, updates.callback(updates.tg_user(2), forged))
    assert await status_of(app, seminar, 1) == ("confirmed", None)
    assert await status_of(app, seminar, 2) == ("waitlist", None)
    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.show_alert is True and "не действует" in (answer.text or "")
    assert session.of_type(EditMessageText) == []


async def test_waitlisted_registration_and_unknown_action_are_refused(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    seminar = await seminar_with_reminder(app, updates)
    waitlisted = await Repositories(app.db).registrations.live(seminar.id, 2)
    assert waitlisted is not None and waitlisted.status is RegistrationStatus.WAITLIST
    user2 = updates.tg_user(2)
    await feed(
        app, updates.callback(user2, ReminderCb(action="yes", registration_id=waitlisted.id).pack())
    )
    await feed(app, updates.callback(user2, f"rem:drop:{waitlisted.id}"))
    await feed(app, updates.callback(user2, "rem:yes:not-a-number"))
    assert await status_of(app, seminar, 2) == ("waitlist", None)
    answers = session.of_type(AnswerCallbackQuery)
    assert len(answers) == 3 and answers[0].show_alert
    # Buttons no handler takes: the section they came from is named, its button offered.
    assert [a.text for a in answers[1:]] == ["Эта кнопка устарела."] * 2
    assert all("«Мои записи»" in text for text in session.texts(2)[-2:])


async def test_last_reminder_of_an_online_seminar_keeps_join_after_ill_come(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    repos = Repositories(app.db)
    now = app.clock()
    seminar = await repos.seminars.create(
        "Онлайн-школа",
        "",
        now + timedelta(minutes=20),
        "Zoom",
        5,
        ADMIN_ID,
        now,
        format=SeminarFormat.ONLINE,
        meeting_link="https://meet.example.org/x",
    )
    await repos.users.record_seen(1, "Анна", None, None, "ru", now)
    # Registered before the last reminder was due; the seminar starts within Join's half hour.
    await repos.registrations.insert(
        seminar.id, 1, RegistrationStatus.CONFIRMED, now - timedelta(hours=2)
    )
    await app.reminders.deliver(seminar, timedelta(hours=1))
    await app.outbox.run_until_idle()
    [reminder] = [m for m in session.of_type(SendMessage) if m.chat_id == 1]
    assert list(keyboard_buttons(reminder.reply_markup)) == ["🔗 Подключиться", "Приду", "Не смогу"]

    press = updates.callback(updates.tg_user(1), keyboard_buttons(reminder.reply_markup)["Приду"])
    assert press.callback_query is not None and press.callback_query.message is not None
    shown = press.callback_query.message.model_copy(update={"reply_markup": reminder.reply_markup})
    query = press.callback_query.model_copy(update={"message": shown})
    await feed(app, press.model_copy(update={"callback_query": query}))
    [edit] = session.of_type(EditMessageText)
    assert list(keyboard_buttons(edit.reply_markup)) == ["🔗 Подключиться", "Не смогу"]

    await feed(
        app,
        updates.callback(
            updates.tg_user(1), keyboard_buttons(edit.reply_markup)["🔗 Подключиться"]
        ),
    )
    assert "https://meet.example.org/x" in session.texts(1)[-1]
