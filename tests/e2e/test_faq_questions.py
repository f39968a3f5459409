"""FAQ answers and questions to organisers through real HTTP, against the fake Bot API.

One story covers the FAQ reply, the no-match path, /ask with escaping, answering by
reply and by button, the refused second answer and "Add to FAQ" through an admin's
draft (kept across a restart's re-import); a second test shows that an invalid FAQ file
stops start-up.
"""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from bot.services.faq_file import load_faq_file
from bot.settings import BUNDLED_FAQ_PATH
from tests.e2e.conftest import RunBot, RunBotOnce

STAFF_CHAT = -1009001
ADMIN = 1
ANNA = 1001
BORIS = 1002  # writes in English
OLGA = 2001  # an organiser: an administrator of the staff chat, not an admin of the bot


async def test_faq_and_questions_story(fake_api: FakeBotAPI, run_bot: RunBot) -> None:
    admin = fake_api.user(ADMIN, "Ирина", username="irina_admin")
    anna = fake_api.user(ANNA, "Анна", "Петрова", username="anna_p")
    boris = fake_api.user(BORIS, "Boris", username="boris", language_code="en")
    olga = fake_api.user(OLGA, "Ольга", username="olga_staff")
    staff = fake_api.group(STAFF_CHAT, "Организаторы")
    staff.set_member_status(OLGA, "administrator")
    env = {"ADMIN_IDS": str(ADMIN), "STAFF_CHAT_ID": str(STAFF_CHAT)}
    bot = await run_bot(env=env)
    entries = {entry.id: entry for entry in load_faq_file(BUNDLED_FAQ_PATH)}

    # A paraphrase gets the full answer, other matches and the organisers' button.
    await anna.send("как мне получить статус соц предприятия?")
    reply = await anna.wait_message("Мой бизнес")
    assert entries["how-to-get-status"].answer in (reply.text or "")
    assert reply.buttons[-1] == "✉️ Задать вопрос организаторам"

    # No match: said so, and the button sends the typed text itself.
    await anna.send("Пускают ли с собакой?")
    await anna.wait_message("не нашёл")
    await anna.press("Задать вопрос организаторам")
    await anna.wait_message("Вопрос №1 отправлен")
    dog = await staff.wait_message("с собакой")
    assert "Анна Петрова" in (dog.text or "") and "@anna_p" not in (dog.text or "")
    assert dog.buttons == ["Ответить", "Кто спрашивает"]

    # /ask: user text in the staff message arrives as visible characters.
    await boris.send("/ask")
    await boris.wait_message("Type your question")
    await boris.send("<b>x</b> & <script>")
    await boris.wait_message("Question #2 has been sent")
    escaped = await staff.wait_message("<b>x</b> & <script>")
    assert escaped.entities[0]["type"] == "bold"  # only the bot's own markup is markup

    # An organiser answers by replying to the staff message; the asker gets it.
    await olga.send_in(STAFF_CHAT, "Да, с собакой можно, если она на поводке.", dog.message_id)
    answer = await anna.wait_message("Организаторы ответили")
    assert "с собакой можно, если она на поводке" in (answer.text or "")
    await staff.wait_edit(dog.message_id, "Ответил(а): Ольга")
    # The edited question offers the next step; no separate «answer sent» message.
    assert fake_api.message(STAFF_CHAT, dog.message_id).buttons == [
        "Добавить в FAQ",
        "Прикрепить к частому вопросу",
    ]

    # A second answer is refused politely and never reaches the asker.
    await admin.send_in(STAFF_CHAT, "Нет, нельзя.", dog.message_id)
    await staff.wait_message("уже ответил(а) Ольга")

    # The button path, in the asker's language.
    await olga.press("Ответить", escaped.message_id, STAFF_CHAT)
    await staff.wait_message("напишите ответ на вопрос №2")
    await olga.send_in(STAFF_CHAT, "It was <b>bold</b>.")
    english = await boris.wait_message("The organisers answered your question")
    assert "It was <b>bold</b>." in (english.text or "")
    await staff.wait_edit(escaped.message_id, "Ответил(а): Ольга")

    # Only an admin adds to the FAQ, and only after seeing the draft.
    refused = await olga.press("Добавить в FAQ", dog.message_id, STAFF_CHAT)
    assert "только администраторы" in (await fake_api.wait_callback_answer(refused))["text"]
    await admin.press("Добавить в FAQ", dog.message_id, STAFF_CHAT)
    draft = await staff.wait_message("Черновик")
    assert "Пускают ли с собакой?" in (draft.text or "")
    published = await admin.press("Опубликовать", draft.message_id, STAFF_CHAT)
    toast = await fake_api.wait_callback_answer(published)
    assert "добавлен в частые вопросы" in toast["text"] and not toast.get("show_alert")
    await anna.assert_no_new_messages()
    fake_api.assert_no_rejections()

    # After a restart (and so a re-import of the file) the organiser's entry still answers.
    assert await bot.stop() == 0
    assert bot.error_lines() == []
    restarted = await run_bot(env=env)
    await anna.send("можно с собакой?")
    faq_answer = await anna.wait_message("на поводке")
    assert "Задать вопрос организаторам" in faq_answer.buttons[-1]
    fake_api.assert_no_rejections()
    assert restarted.error_lines() == []


async def test_invalid_faq_file_stops_start_up(run_bot_once: RunBotOnce, tmp_path: Path) -> None:
    faq = tmp_path / "faq.yml"
    faq.write_text(
        "- id: fine\n  question: Вопрос?\n  answer: Ответ.\n"
        "- id: broken-entry\n  question: Без ответа?\n",
        encoding="utf-8",
    )

    code, _, stderr = await run_bot_once(env={"FAQ_PATH": str(faq)})

    assert code == 2
    assert f"FAQ file {faq}: entry #2 (id 'broken-entry'): missing 'answer'" in stderr
    assert "Traceback" not in stderr
