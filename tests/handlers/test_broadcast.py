"""/broadcast: audience buttons, the message, preview, Send, Stop, /cancel and refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from aiogram.types import PhotoSize, Update

from bot.app import App
from storage.models import Audience, BroadcastStatus, RegistrationStatus
from storage.repositories import Repositories
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession


async def seed(app: App, updates: UpdateFactory, ids: range) -> None:
    for user_id in ids:
        await feed(app, updates.message(updates.tg_user(user_id), "/help"))


async def test_broadcast_to_everyone_end_to_end(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await seed(app, updates, range(1, 6))
    await Repositories(app.db).users.mark_inactive(3)
    now = datetime.now(UTC)
    await Repositories(app.db).seminars.create(
        "Grant writing", "", now + timedelta(days=2), "Tyumen", 10, ADMIN_ID, now
    )

    await feed(app, updates.message(admin, "/broadcast"))
    assert session.texts(ADMIN_ID)[-1] == "Кому отправить рассылку?"
    keyboard = session.buttons()
    assert list(keyboard) == ["Всем", "Участники: Grant writing", "Лист ожидания: Grant writing"]

    await feed(app, updates.callback(admin, keyboard["Всем"], message_id=50))
    [ask] = session.of_type(EditMessageText)
    assert "все пользователи бота" in ask.text

    announcement = updates.message(admin, "Seminar <b>soon</b>")
    await feed(app, announcement)
    assert announcement.message is not None
    [preview] = session.of_type(CopyMessage)
    assert (preview.chat_id, preview.from_chat_id) == (ADMIN_ID, ADMIN_ID)
    assert preview.message_id == announcement.message.message_id
    assert "5 человек" in session.texts(ADMIN_ID)[-1]  # four participants and the admin
    confirm = session.buttons()
    assert list(confirm) == ["Отправить", "Отмена"]
    # The explanation sits above its buttons: they are on the note under the preview.
    assert preview.reply_markup is None
    note = session.of_type(SendMessage)[-1]
    assert "Так рассылку увидят получатели" in note.text and note.reply_markup is not None

    session.calls.clear()
    double_press = [updates.callback(admin, confirm["Отправить"], message_id=60) for _ in "12"]
    await asyncio.gather(*(feed(app, press) for press in double_press))
    [broadcast_row] = await app.db.fetch_all("SELECT id, progress_message_id FROM broadcasts")
    await app.broadcasts.join(broadcast_row["id"])

    copies = session.of_type(CopyMessage)
    assert sorted(c.chat_id for c in copies) == [1, 2, 4, 5, ADMIN_ID]
    assert {(c.from_chat_id, c.message_id) for c in copies} == {
        (ADMIN_ID, announcement.message.message_id)
    }
    assert not session.of_type(EditMessageReplyMarkup)  # the note's buttons become Stop
    edits = session.of_type(EditMessageText)
    assert edits[0].message_id == broadcast_row["progress_message_id"]
    assert edits[0].text == f"Рассылка №{broadcast_row['id']}: отправлено 0 из 5"
    stop = edits[0].reply_markup.inline_keyboard[0][0]
    assert stop.text == "Остановить" and stop.callback_data.startswith("adm")
    assert edits[-1].text.endswith("отправлено 5 из 5") and edits[-1].reply_markup is None
    report = session.texts(ADMIN_ID)[-1]
    assert "Доставлено: 5" in report and "Заблокировано: 0" in report


async def test_seminar_audience_and_english_wording(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID, "en")
    await seed(app, updates, range(1, 5))
    repos = Repositories(app.db)
    now = datetime.now(UTC)
    seminar = await repos.seminars.create(
        "Impact", "", now + timedelta(days=2), "Online", 1, ADMIN_ID, now
    )
    await repos.registrations.insert(seminar.id, 1, RegistrationStatus.CONFIRMED, now)
    await repos.registrations.insert(seminar.id, 2, RegistrationStatus.WAITLIST, now)
    await repos.registrations.insert(seminar.id, 3, RegistrationStatus.WAITLIST, now)

    await feed(app, updates.message(admin, "/broadcast"))
    keyboard = session.buttons()
    assert list(keyboard) == ["Everyone", "Participants: Impact", "Waitlist: Impact"]
    await feed(app, updates.callback(admin, keyboard["Waitlist: Impact"]))
    await feed(app, updates.message(admin, "Seats may <b>free up</b>"))
    # A seminar's people get one message: the seminar's line, then the text.
    [preview] = [m for m in session.of_type(SendMessage) if "Seats may" in m.text]
    # Typed markup is text (no entities), so it arrives escaped, exactly as typed.
    assert preview.text == (
        "📢 “Impact”: a message from the organisers\n\nSeats may &lt;b&gt;free up&lt;/b&gt;"
    )
    assert "the waitlist of “Impact” — 2 people" in session.texts(ADMIN_ID)[-1]
    send = session.buttons()["Send"]
    session.calls.clear()
    await feed(app, updates.callback(admin, send, message_id=70))
    [row] = await app.db.fetch_all("SELECT id FROM broadcasts")
    await app.broadcasts.join(row["id"])

    assert not session.of_type(CopyMessage)
    sent = [m for m in session.of_type(SendMessage) if m.text == preview.text]
    assert sorted(m.chat_id for m in sent) == [2, 3]
    assert "Broadcast #" in session.of_type(EditMessageText)[0].text
    report = session.texts(ADMIN_ID)[-1]
    assert report.startswith(f"Broadcast #{row['id']} finished.\n")
    assert (
        "Delivered: 2\nBlocked: 0\nFailed: 0\n"
        "Uncertain (the bot restarted while sending): 0\nStopped (not sent): 0" in report
    )


async def test_empty_audience_is_refused_with_an_alert(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    now = datetime.now(UTC)
    await Repositories(app.db).seminars.create(
        "Empty", "", now + timedelta(days=2), "Online", 5, ADMIN_ID, now
    )
    await feed(app, updates.message(admin, "/broadcast"))
    await feed(app, updates.callback(admin, session.buttons()["Участники: Empty"]))

    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.text is not None and answer.show_alert
    assert "нет ни одного получателя" in answer.text and "другую аудиторию" in answer.text

    # The audience buttons are still there; typed text is told to use them, not ignored.
    await feed(app, updates.message(admin, "Завтра собираемся в 10:00"))
    assert "выберите, кому отправить" in session.texts()[-1] and "/cancel" in session.texts()[-1]


async def test_cancel_at_each_step(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, updates.message(admin, "/broadcast"))
    everyone = session.buttons()["Всем"]
    await feed(app, updates.message(admin, "/cancel"))
    assert session.texts(ADMIN_ID)[-1].startswith("Действие отменено.")

    await feed(app, updates.message(admin, "/broadcast"))
    await feed(app, updates.callback(admin, everyone))
    await feed(app, updates.message(admin, "/cancel"))
    assert session.texts(ADMIN_ID)[-1].startswith("Действие отменено.")

    await feed(app, updates.message(admin, "/broadcast"))
    await feed(app, updates.callback(admin, everyone))
    await feed(app, updates.message(admin, "Announcement"))
    send = session.buttons()["Отправить"]
    await feed(app, updates.message(admin, "/cancel"))
    await feed(app, updates.callback(admin, send))

    assert session.of_type(AnswerCallbackQuery)[-1].text == (
        "Эта кнопка устарела. Откройте раздел «Рассылка» заново — кнопка ниже"
        " (или команда /broadcast)."
    )
    assert session.buttons().keys() >= {"Рассылка"}
    assert await app.db.fetch_all("SELECT id FROM broadcasts") == []


async def test_cancel_button_drops_the_draft(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, updates.message(admin, "/broadcast"))
    await feed(app, updates.callback(admin, session.buttons()["Всем"]))
    await feed(app, updates.message(admin, "Announcement"))
    keyboard = session.buttons()
    await feed(app, updates.callback(admin, keyboard["Отмена"], message_id=80))
    await feed(app, updates.callback(admin, keyboard["Отправить"], message_id=80))

    assert session.of_type(EditMessageText)[-1].text == "Рассылка отменена."
    assert await app.db.fetch_all("SELECT id FROM broadcasts") == []


async def test_stop_button_stops_a_running_broadcast(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await seed(app, updates, range(1, 4))
    async with app.db.transaction() as tx:
        broadcast = await Repositories(tx).broadcasts.create(
            ADMIN_ID, Audience.ALL, None, ADMIN_ID, 5, ADMIN_ID, 90, datetime.now(UTC)
        )

    await feed(app, updates.callback(admin, f"adm_bcs:{broadcast.id}"))
    await feed(app, updates.callback(admin, f"adm_bcs:{broadcast.id}"))

    first, second = session.of_type(AnswerCallbackQuery)
    assert first.text == "Останавливаю рассылку…"
    assert second.text == "Эта рассылка уже завершена."
    repo = Repositories(app.db).broadcasts
    stored = await repo.get(broadcast.id)
    assert stored is not None and stored.status is BroadcastStatus.STOPPED
    assert (await repo.tally(broadcast.id)).stopped == 3


async def test_non_admin_cannot_broadcast_or_press_admin_buttons(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    stranger = updates.tg_user(5)
    await feed(app, updates.message(stranger, "/broadcast"))
    await feed(app, updates.callback(stranger, "adm_bca:all:0"))
    await feed(app, updates.callback(stranger, "adm_bcc:send"))

    assert session.texts(5) == ["Эта команда доступна только организаторам."]
    assert [a.text for a in session.of_type(AnswerCallbackQuery)] == [
        "Эта команда доступна только организаторам."
    ] * 2
    assert await app.db.fetch_all("SELECT id FROM broadcasts") == []


async def test_photo_with_caption_is_copied_as_is(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await seed(app, updates, range(1, 3))
    await feed(app, updates.message(admin, "/broadcast"))
    await feed(app, updates.callback(admin, session.buttons()["Всем"]))
    text_update = updates.message(admin, "placeholder")
    assert text_update.message is not None
    photo = text_update.message.model_copy(
        update={
            "text": None,
            "photo": [PhotoSize(file_id="photo-1", file_unique_id="p1", width=9, height=9)],
            "caption": "Фото с <i>подписью</i>",
        }
    )
    await feed(app, Update(update_id=text_update.update_id, message=photo))
    send = session.buttons()["Отправить"]
    session.calls.clear()
    await feed(app, updates.callback(admin, send, message_id=95))
    [row] = await app.db.fetch_all("SELECT id FROM broadcasts")
    await app.broadcasts.join(row["id"])

    copies = session.of_type(CopyMessage)
    assert sorted(c.chat_id for c in copies) == [1, 2, ADMIN_ID]
    assert {c.message_id for c in copies} == {photo.message_id}
    assert all(c.caption is None for c in copies)  # the caption travels with the copy
