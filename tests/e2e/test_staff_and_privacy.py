"""End-to-end: the staff chat as a trust boundary, forgetting that forgets, personal data
kept out of groups, and invisible format characters kept out of the staff chat and exports.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from handlers.menu import MenuCb
from storage.database import Database
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot
from tests.e2e.test_broadcast import ADMIN_ID, copies, start_broadcast
from tests.e2e.test_export_stats import has_document
from tests.e2e.test_registration import TITLE, fill_profile
from tests.e2e.test_registration import seed as seed_seminar

STAFF_CHAT = -1009001
ANNA = 1001
BORIS = 1002
OLGA = 2001  # an administrator of the staff chat: an organiser
PAVEL = 2002  # a plain member of the staff chat: no organiser
PHONE = "+7 912 345-67-89"
STREET = "ул. Ленинградская, 15"
RLO = "\u202e"
ZWSP = "\u200b"


async def seed_profile(db_path: Path, user_id: int, name: str, organisation: str) -> None:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        await repos.users.record_seen(user_id, name.split()[0], None, "anna_p", "ru", now)
        await repos.profiles.save(user_id, name, organisation, "+79120000001", now, now)
    finally:
        await db.close()


async def test_a_plain_member_of_the_staff_chat_cannot_answer_or_publish(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    await seed_profile(tmp_path / "bot.sqlite3", ANNA, "Анна Петрова", "НКО «Ромашка»")
    admin = fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    boris = fake_api.user(BORIS, "Борис", username="boris")
    olga = fake_api.user(OLGA, "Ольга", username="olga_staff")
    pavel = fake_api.user(PAVEL, "Павел", username="pavel")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    staff.set_member_status(OLGA, "administrator")
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "STAFF_CHAT_ID": str(STAFF_CHAT)})

    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send("Где оставить машину?")
    post = await staff.wait_message("Где оставить машину?")
    # The staff chat sees the name only.
    assert "Анна Петрова" in (post.text or "")
    assert "Ромашка" not in (post.text or "") and "anna_p" not in (post.text or "")

    # A plain member: a reply and the button are refused, the participant gets nothing.
    await pavel.send_in(STAFF_CHAT, "Переведите 500 руб. на карту 1234", post.message_id)
    await staff.wait_message("только организаторы")
    refused = await pavel.press("Ответить", post.message_id, STAFF_CHAT)
    assert "только организаторы" in (await fake_api.wait_callback_answer(refused))["text"]
    # The organisation is for admins, in a pop-up nobody else sees.
    refused = await pavel.press("Кто спрашивает", post.message_id, STAFF_CHAT)
    assert "администраторы" in (await fake_api.wait_callback_answer(refused))["text"]
    shown = await admin.press("Кто спрашивает", post.message_id, STAFF_CHAT)
    assert "НКО «Ромашка»" in (await fake_api.wait_callback_answer(shown))["text"]

    # An administrator of the staff chat answers.
    await olga.send_in(STAFF_CHAT, "Парковка во дворе, въезд с улицы.", post.message_id)
    await anna.wait_message("Парковка во дворе")
    confirmation = await staff.wait_edit(post.message_id, "Ответил(а)")

    # Neither of them may publish to the FAQ; the admin does, after rewriting the question.
    for organiser in (pavel, olga):
        refused = await organiser.press("Добавить в FAQ", confirmation.message_id, STAFF_CHAT)
        answer = await fake_api.wait_callback_answer(refused)
        assert (
            answer["text"] == "Добавлять ответы в частые вопросы могут только администраторы бота."
        )
    await admin.press("Добавить в FAQ", confirmation.message_id, STAFF_CHAT)
    draft = await staff.wait_message("Черновик")
    assert "Где оставить машину?" in (draft.text or "")
    refused = await pavel.press("Опубликовать", draft.message_id, STAFF_CHAT)
    assert "администраторы" in (await fake_api.wait_callback_answer(refused))["text"]
    await admin.press("Изменить вопрос", draft.message_id, STAFF_CHAT)
    await staff.wait_message("новый текст вопроса")
    await admin.send_in(STAFF_CHAT, "Где припарковаться у места семинара?")
    redraft = await staff.wait_message("Где припарковаться у места семинара?")
    published = await admin.press("Опубликовать", redraft.message_id, STAFF_CHAT)
    toast = await fake_api.wait_callback_answer(published)
    assert "добавлен в частые вопросы" in toast["text"] and not toast.get("show_alert")

    await boris.send("где припарковаться у места семинара")
    await boris.wait_message("Парковка во дворе")
    assert "500 руб" not in fake_api.transcript_text(ANNA, tail=50)
    fake_api.assert_no_rejections()


def stored_bytes(db_path: Path) -> bytes:
    companions = (db_path, db_path.with_name(db_path.name + "-wal"))
    return b"".join(path.read_bytes() for path in companions if path.exists())


async def test_forget_me_leaves_no_byte_of_a_question_in_the_database_or_the_faq(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await seed_profile(db_path, ANNA, "Анна Петрова", "НКО «Ромашка»")
    admin = fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    boris = fake_api.user(BORIS, "Борис", username="boris")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "STAFF_CHAT_ID": str(STAFF_CHAT)})
    await boris.send("/start")
    await boris.wait_message("Здравствуйте")

    async def ask_answer_publish(
        question: str, answer: str, rewrite: str | None
    ) -> tuple[int, BotMessage]:
        """The question's post and the published draft's message."""
        await anna.send("/ask")
        await anna.wait_message("Напишите ваш вопрос")
        await anna.send(question)
        post = await staff.wait_message(question)
        await admin.send_in(STAFF_CHAT, answer, post.message_id)
        done = await staff.wait_edit(post.message_id, "Ответил(а)")
        await admin.press("Добавить в FAQ", done.message_id, STAFF_CHAT)
        draft = await staff.wait_message("Черновик")
        if rewrite is not None:
            await admin.press("Изменить вопрос", draft.message_id, STAFF_CHAT)
            await staff.wait_message("новый текст вопроса")
            await admin.send_in(STAFF_CHAT, rewrite)
            draft = await staff.wait_message(rewrite)
        published = await admin.press("Опубликовать", draft.message_id, STAFF_CHAT)
        toast = await fake_api.wait_callback_answer(published)
        assert "добавлен в частые вопросы" in toast["text"] and not toast.get("show_alert")
        closed = await staff.wait_edit(draft.message_id, "опубликован в частых вопросах (Ирина)")
        return post.message_id, closed

    # Published word for word (an admin's slip): it carries the phone and the street.
    private_post, private_draft = await ask_answer_publish(
        f"Перезвоните мне по номеру {PHONE}, я живу на {STREET}, можно ли с собакой?",
        f"Да, с собакой можно. Перезвоним на {PHONE}.",
        rewrite=None,
    )
    # Rewritten by the admin: the admin's words, which stay public.
    kept_post, kept_draft = await ask_answer_publish(
        "А кофе будет в перерыве? Я Анна из Ромашки",
        "Да, кофе-брейк в 12:00.",
        rewrite="Будет ли кофе-брейк?",
    )
    await boris.send("можно ли с собакой")
    await boris.wait_message(PHONE)
    assert PHONE.encode() in stored_bytes(db_path)

    await anna.send("/forget_me")
    await anna.wait_message("Удалить ваши персональные данные?")
    await anna.press("Да, удалить")
    done = await anna.wait_message("Готово, ваши данные удалены")
    assert "2 вопросов" in (done.text or "")

    for message_id in (private_post, kept_post):
        edited = await staff.wait_edit(message_id, "Участник удалил свои данные")
        assert PHONE not in (edited.text or "") and edited.buttons == []
    # The entry in her words is gone, and its «published» message says so; the admin's
    # rewording stays in the FAQ, and its message as it was.
    unpublished = await staff.wait_edit(private_draft.message_id, "затем удалён")
    assert "участник удалил свои данные" in (unpublished.text or "")
    assert fake_api.message(STAFF_CHAT, kept_draft.message_id).text == kept_draft.text
    for needle in (PHONE, "345-67-89", STREET, "Ленинградская", "Ромашк", "Анна Петрова"):
        assert needle.encode() not in stored_bytes(db_path), needle
    with sqlite3.connect(db_path) as conn:
        entries = [row[0] for row in conn.execute("SELECT question FROM faq_entries")]
    assert "Будет ли кофе-брейк?" in entries
    assert not [entry for entry in entries if "собак" in entry]
    await boris.send("будет ли кофе-брейк")
    await boris.wait_message("кофе-брейк в 12:00")
    await boris.send("можно ли с собакой")
    reply = await boris.wait_message()
    assert PHONE not in (reply.text or "")

    # Forgotten users are out of "Everyone".
    source_id, _ = await start_broadcast(fake_api, admin)
    report = await admin.wait_message("Доставлено")
    assert "Доставлено: 2" in (report.text or "")  # Boris and the admin
    assert set(copies(fake_api, source_id)) == {BORIS, ADMIN_ID}
    fake_api.assert_no_rejections()


async def test_personal_data_screens_refuse_in_a_group(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    await seed_profile(tmp_path / "bot.sqlite3", ANNA, "Анна Петрова", "НКО «Ромашка»")
    seminar = await seed_seminar(tmp_path / "bot.sqlite3", capacity=5)
    anna = fake_api.user(ANNA, "Анна", username="anna_p")
    group = fake_api.group(-1004242, "Выпускники")
    await run_bot()

    for command in ("/my", "/forget_me"):
        await anna.send_in(group.chat_id, command)
        refusal = await group.wait_message("только в личном чате")
        assert "79120000001" not in (refusal.text or "")
    await anna.send_in(group.chat_id, "/start")
    pointer = await group.wait_message("в личном чате со мной")
    refused = await anna.press_data(MenuCb(action="my").pack(), pointer.message_id, group.chat_id)
    assert "личном чате" in (await fake_api.wait_callback_answer(refused))["text"]
    await anna.send_in(group.chat_id, f"/start seminar_{seminar.id}")
    card = await group.wait_message(TITLE)
    refused = await anna.press("Записаться", card.message_id, group.chat_id)
    assert "личном чате" in (await fake_api.wait_callback_answer(refused))["text"]
    assert all("79120000001" not in (m.text or "") for m in fake_api.messages(group.chat_id))
    await group.assert_no_new_messages()

    # In the private chat the same screen works.
    await anna.send("/my")
    await anna.wait_message("+79120000001")
    fake_api.assert_no_rejections()


async def test_format_characters_never_reach_the_staff_chat_or_an_export(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    seminar = await seed_seminar(tmp_path / "bot.sqlite3", capacity=5)
    admin = fake_api.user(ADMIN_ID, "Ирина", username="irina_admin")
    # Telegram names may carry them too.
    anna = fake_api.user(ANNA, f"Ан{RLO}на", f"Пе{ZWSP}трова", username="anna_p")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "STAFF_CHAT_ID": str(STAFF_CHAT)})

    await anna.send(f"/start seminar_{seminar.id}")
    await anna.wait_message(TITLE)
    await anna.press("Записаться")
    saved = await fill_profile(
        anna, f"Иванова{RLO} Анна 👩‍💻", f"НКО{ZWSP} «Свет»\u2066", "+79991234567"
    )
    assert "Вы записаны" in (saved.text or "")
    await anna.send("/ask")
    await anna.wait_message("Напишите ваш вопрос")
    await anna.send(f"Где вход?{RLO}txe.exe")
    post = await staff.wait_message("Где вход?")
    assert RLO not in (post.text or "") and "Где вход?txe.exe" in (post.text or "")

    await admin.send(f"/export {seminar.id}")
    csv_file = await admin.wait_message(predicate=has_document(".csv"))
    xlsx_file = await admin.wait_message(predicate=has_document(".xlsx"))
    raw_csv = csv_file.document_bytes or b""
    text = raw_csv.decode("utf-8-sig")
    assert RLO not in text and ZWSP not in text and "\u2066" not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][1:3] == ["Иванова Анна 👩‍💻", "НКО «Свет»"]  # the emoji keeps its ZWJ
    book = load_workbook(io.BytesIO(xlsx_file.document_bytes or b""))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert not [c for c in cells if RLO in c or ZWSP in c or "\u2066" in c]
    assert "Иванова Анна 👩‍💻" in cells
    fake_api.assert_no_rejections()
