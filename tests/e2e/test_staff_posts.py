"""End-to-end: every staff message that shows a participant's words (question posts, FAQ
drafts, "answer sent" confirmations, the /questions overview) is rewritten by
/forget_me; closed drafts lose their buttons; refusals in groups say who and why.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from handlers.menu import MenuCb
from tests.e2e.conftest import RunBot
from tests.e2e.test_broadcast import ADMIN_ID
from tests.e2e.test_staff_and_privacy import (
    ANNA,
    OLGA,
    PAVEL,
    PHONE,
    STAFF_CHAT,
    STREET,
    seed_profile,
    stored_bytes,
)

STAFF_ENV = {"ADMIN_IDS": str(ADMIN_ID), "STAFF_CHAT_ID": str(STAFF_CHAT)}
CLOSED = "Этот черновик уже закрыт."


def callback_data(message: BotMessage, button_text: str) -> str:
    """The data of a button, kept to press it again once the keyboard is gone."""
    button = next(b for b in message.inline_buttons if button_text in b["text"])
    return str(button["callback_data"])


async def test_forget_me_rewrites_every_staff_message_with_the_participants_words(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await seed_profile(db_path, ANNA, "Анна Петрова", "НКО «Ромашка»")
    admin = fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env=STAFF_ENV)

    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send(f"Позвоните мне {PHONE}, можно прийти на {STREET} с ребёнком?")
    post = await staff.wait_message(PHONE)
    await admin.send_in(STAFF_CHAT, "Да, с детьми можно.", post.message_id)
    confirmation = await staff.wait_edit(post.message_id, "Ответил(а)")
    await admin.press("Добавить в FAQ", confirmation.message_id, STAFF_CHAT)
    draft = await staff.wait_message("Черновик")
    assert PHONE in (draft.text or "") and STREET in (draft.text or "")
    # A second, open question: the /questions overview lists it.
    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send(f"И ещё: парковка у дома на {STREET} есть?")
    await staff.wait_message("парковка")
    await admin.send_in(STAFF_CHAT, "/questions")
    overview = await staff.wait_message("без ответа")
    assert STREET in (overview.text or "")
    await staff.wait_message("парковка")  # the question again, to reply to
    publish = callback_data(draft, "Опубликовать")
    add = callback_data(confirmation, "Добавить в FAQ")

    await anna.send("/forget_me")
    await anna.wait_message("Удалить ваши персональные данные?")
    await anna.press("Да, удалить")
    await anna.wait_message("Готово, ваши данные удалены")

    await staff.wait_edit(draft.message_id, "Участник удалил свои данные")
    await staff.wait_edit(confirmation.message_id, "удалил свои данные")
    await staff.wait_edit(overview.message_id, "участник удалил свои данные")
    await staff.wait_edit(post.message_id, "Участник удалил свои данные")
    for message in fake_api.messages(STAFF_CHAT):
        for needle in (PHONE, "345-67-89", STREET, "Ленинградская"):
            assert needle not in (message.text or ""), message.summary()
    for shown in (draft, confirmation, post):
        assert fake_api.message(STAFF_CHAT, shown.message_id).buttons == []
    # An old button pressed anyway: one line, nothing posted, nothing published.
    pressed = await admin.press_data(publish, draft.message_id, STAFF_CHAT)
    assert (await fake_api.wait_callback_answer(pressed))["text"] == CLOSED
    pressed = await admin.press_data(add, confirmation.message_id, STAFF_CHAT)
    assert "Такого вопроса нет" in (await fake_api.wait_callback_answer(pressed))["text"]
    await staff.assert_no_new_messages()

    for needle in (PHONE, "345-67-89", STREET, "Ленинградская"):
        assert needle.encode() not in stored_bytes(db_path), needle
    with sqlite3.connect(db_path) as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM faq_entries WHERE source = 'organiser'").fetchone()[
                0
            ]
            == 0
        )
        assert conn.execute("SELECT COUNT(*) FROM faq_drafts").fetchone()[0] == 0
    fake_api.assert_no_rejections()


async def test_a_published_or_cancelled_draft_loses_its_buttons(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env=STAFF_ENV)

    async def draft_of(question: str, answer: str) -> BotMessage:
        await anna.send("/ask")
        await anna.wait_message("Напишите ваш вопрос")
        await anna.send(question)
        post = await staff.wait_message(question)
        await admin.send_in(STAFF_CHAT, answer, post.message_id)
        confirmation = await staff.wait_edit(post.message_id, "Ответил(а)")
        await admin.press("Добавить в FAQ", confirmation.message_id, STAFF_CHAT)
        return await staff.wait_message("Черновик")

    first = await draft_of("Где вход в здание?", "Вход со двора.")
    await admin.press("Изменить вопрос", first.message_id, STAFF_CHAT)
    await staff.wait_message("новый текст вопроса")
    await admin.send_in(STAFF_CHAT, "Где вход на семинар?")
    second = await staff.wait_message("Где вход на семинар?")
    stale = {text: callback_data(first, text) for text in ("Опубликовать", "Изменить вопрос")}
    published = await admin.press("Опубликовать", second.message_id, STAFF_CHAT)
    toast = await fake_api.wait_callback_answer(published)
    assert "добавлен в частые вопросы" in toast["text"] and not toast.get("show_alert")
    # Both versions of the draft say what happened, without buttons.
    for shown in (first, second):
        closed = await staff.wait_edit(shown.message_id, "опубликован в частых вопросах (Ирина)")
        assert closed.buttons == []
    await staff.assert_no_new_messages()  # the edits and the toast say it all
    for data in stale.values():
        pressed = await admin.press_data(data, first.message_id, STAFF_CHAT)
        assert (await fake_api.wait_callback_answer(pressed))["text"] == CLOSED
    await admin.send_in(STAFF_CHAT, "просто текст в чате")  # no draft dialog was opened
    await staff.assert_no_new_messages()

    cancelled = await draft_of("Будет ли обед?", "Да, в 13:00.")
    drop = callback_data(cancelled, "Отменить")
    pressed = await admin.press("Отменить", cancelled.message_id, STAFF_CHAT)
    assert (await fake_api.wait_callback_answer(pressed))["text"] == "Черновик отменён."
    closed = await staff.wait_edit(cancelled.message_id, "отменён (Ирина)")
    assert closed.buttons == []
    pressed = await admin.press_data(drop, cancelled.message_id, STAFF_CHAT)
    assert (await fake_api.wait_callback_answer(pressed))["text"] == CLOSED
    await staff.assert_no_new_messages()
    fake_api.assert_no_rejections()


async def test_a_plain_member_is_told_by_name_who_may_answer(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    pavel = fake_api.user(PAVEL, "Павел <b>", username="pavel")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    staff.set_member_status(OLGA, "administrator")
    await run_bot(env=STAFF_ENV)
    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send("Где оставить машину?")
    post = await staff.wait_message("Где оставить машину?")
    await anna.wait_message("отправлен организаторам")

    await pavel.send_in(STAFF_CHAT, "Переведите 500 руб. на карту 1234", post.message_id)
    refusal = await staff.wait_message("не отправлен")
    assert (refusal.text or "").startswith("Павел <b>, ")  # his name, escaped, not markup
    assert "администраторы бота и администраторы этой группы" in (refusal.text or "")
    mention = next(e for e in refusal.entities if e["type"] == "text_link")
    assert mention["url"] == f"tg://user?id={PAVEL}"

    # A refused button opens no dialog: what he types next is group chatter, unanswered.
    pressed = await pavel.press("Ответить", post.message_id, STAFF_CHAT)
    alert = (await fake_api.wait_callback_answer(pressed))["text"]
    assert "администраторы бота и администраторы группы организаторов" in alert
    await pavel.send_in(STAFF_CHAT, "Переведите 500 руб. на карту 1234")
    await staff.assert_no_new_messages()
    await anna.assert_no_new_messages()
    fake_api.assert_no_rejections()


async def test_private_only_commands_in_a_group_link_to_the_private_chat(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    group = fake_api.group(-1004242, "Выпускники")
    await run_bot()
    for command in ("/my", "/forget_me", "/ask"):
        await anna.send_in(group.chat_id, command)
        refusal = await group.wait_message("только в личном чате")
        assert refusal.inline_buttons == [
            {
                "text": "Открыть личный чат с ботом",
                "url": f"https://t.me/{fake_api.bot_username}",
            }
        ]
    # /start in a group: no menu whose buttons would refuse, one line and the private chat.
    await anna.send_in(group.chat_id, "/start")
    pointer = await group.wait_message("в личном чате со мной")
    assert pointer.inline_buttons == [
        {"text": "Открыть личный чат с ботом", "url": f"https://t.me/{fake_api.bot_username}"}
    ]
    assert not any("Здравствуйте" in (m.text or "") for m in fake_api.messages(group.chat_id))
    # A menu button pressed in the group anyway (an old or forged one) still refuses.
    refused = await anna.press_data(MenuCb(action="my").pack(), pointer.message_id, group.chat_id)
    text = (await fake_api.wait_callback_answer(refused))["text"]
    assert f"@{fake_api.bot_username}" in text
    assert len(fake_api.calls("getMe")) == 1  # asked once, at start-up, and remembered
    fake_api.assert_no_rejections()


async def test_the_forget_me_receipt_lists_only_what_was_there(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    await seed_profile(tmp_path / "bot.sqlite3", ANNA, "Анна Петрова", "НКО «Ромашка»")
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    boris = fake_api.user(1002, "Борис", username="boris")
    await run_bot()

    await boris.send("/forget_me")
    await boris.wait_message("Удалить ваши персональные данные?")
    await boris.press("Да, удалить")
    receipt = await boris.wait_message("Готово")
    assert "У меня были только ваше имя и имя пользователя (@…) из Telegram" in (receipt.text or "")
    assert "удалены:" not in (receipt.text or "")

    await anna.send("/forget_me")
    await anna.wait_message("Удалить ваши персональные данные?")
    await anna.press("Да, удалить")
    receipt = await anna.wait_message("Готово, ваши данные удалены:")
    assert "• профиль: ФИО, организация и телефон" in (receipt.text or "")
    assert "не оставляли" not in (receipt.text or "")
    fake_api.assert_no_rejections()
