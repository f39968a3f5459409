"""/start, /help, /language, /cancel, unknown commands and admin refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage

from bot.app import App
from storage.repositories import Repositories
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession


async def test_start_greets_in_russian_and_records_user(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(1), "/start"))
    [reply] = session.of_type(SendMessage)
    assert "Здравствуйте" in reply.text
    assert reply.reply_markup is not None
    user = await app.db.fetch_one("SELECT * FROM users WHERE id = 1")
    assert user is not None and user["is_active"] == 1


async def test_start_in_english_for_en_user(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(2, "en-GB"), "/start"))
    assert "Hello" in session.texts(2)[0]


async def test_language_switch_is_stored(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = updates.tg_user(3)
    await feed(app, updates.callback(user, "lang:en"))
    await feed(app, updates.message(user, "/help"))
    assert "What this bot does" in session.texts(3)[-1]


async def test_unknown_command_hints_help(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(4), "/nonsense"))
    assert "/help" in session.texts(4)[-1]


async def test_non_admin_gets_refusal_for_admin_command(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(5), "/stats"))
    assert session.texts(5) == ["Эта команда доступна только организаторам."]


async def test_forged_admin_button_is_refused(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.callback(updates.tg_user(6), "adm_sem:1:cancel"))
    [answer] = session.of_type(AnswerCallbackQuery)
    assert answer.text == "Эта команда доступна только организаторам."


async def test_admin_sees_admin_help(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/help"))
    assert "/new_seminar" in session.texts(ADMIN_ID)[-1]


async def test_cancel_outside_dialog(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(7), "/cancel"))
    assert session.texts(7) == ["Сейчас нечего отменять. Что дальше? Выберите раздел:"]
    assert "📅 Семинары" in session.buttons(7)
    # /edit_seminar with no upcoming seminar shows no list to choose from: the same menu.
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/edit_seminar"))
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/cancel"))
    assert session.texts(ADMIN_ID)[-1].startswith("Сейчас нечего отменять.")
    assert "📅 Семинары" in session.buttons(ADMIN_ID)


async def test_an_answered_forget_me_confirmation_loses_its_buttons(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = updates.tg_user(7)
    await feed(app, updates.message(user, "/forget_me"))
    assert list(session.buttons(7)) == ["Да, удалить", "Нет, оставить"]
    await feed(app, updates.callback(user, "forget:no", message_id=5))
    [dropped] = session.of_type(EditMessageReplyMarkup)
    assert (dropped.message_id, dropped.reply_markup) == (5, None)
    assert "ничего не удалено" in session.texts(7)[-1]
    # «Да» of the answered confirmation (still on an old screen) deletes nothing.
    await feed(app, updates.callback(user, "forget:yes", message_id=5))
    assert "устарела" in session.texts(7)[-1]
    assert not any(text.startswith("Готово") for text in session.texts(7))


async def test_an_old_forget_me_confirmation_deletes_nothing_after_another_step(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    user = updates.tg_user(8)
    now = datetime.now(UTC)
    repos = Repositories(app.db)
    await repos.users.record_seen(8, user.first_name, None, user.username, "ru", now)
    await repos.profiles.save(8, "Иванова Анна Петровна", "НКО", "+79123456789", now, now)

    for later in ("/seminars", "когда следующий семинар?"):
        await feed(app, updates.message(user, "/forget_me"))
        await feed(app, updates.message(user, later))
        # The command or question was handled as usual, not swallowed by the confirmation.
        assert "Удалить ваши персональные данные?" not in session.texts(8)[-1]
        await feed(app, updates.callback(user, "forget:yes"))
        assert "устарела" in session.texts(8)[-1]
        assert await repos.profiles.get(8) is not None

    # /cancel ends the confirmation too, and says so; the pending one still deletes.
    await feed(app, updates.message(user, "/forget_me"))
    await feed(app, updates.message(user, "/cancel"))
    assert "нечего отменять" not in session.texts(8)[-1]
    await feed(app, updates.callback(user, "forget:yes"))
    assert await repos.profiles.get(8) is not None
    await feed(app, updates.message(user, "/forget_me"))
    await feed(app, updates.callback(user, "forget:yes"))
    assert await repos.profiles.get(8) is None
    assert "ваши данные удалены" in session.texts(8)[-1]
    # A double tap on the «Да» that just acted: «Уже сделано», no second deletion report.
    told = len(session.texts(8))
    await feed(app, updates.callback(user, "forget:yes"))
    assert session.of_type(AnswerCallbackQuery)[-1].text == "Уже сделано."
    assert len(session.texts(8)) == told
