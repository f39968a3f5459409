"""The FAQ's three outcomes and its learning, through real HTTP against the fake Bot API.

The bot runs on a small FAQ file of organiser-style entries (no aliases), so the
search has to carry meaning, not only words: "корочка" is a colloquial word for the
certificate and "дадут" asks what "выдают" tells, so "корочку дадут?" is answered;
"документ выдадут?" does not say which document, so the bot suggests the certificate.
"""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import RunBot

ADMIN = 1
ANNA = 1001
PETR = 1002

FAQ = """\
- id: venue
  category: Семинары
  question: Где проходит семинар?
  answer: Семинары проходят в Тюмени, в технопарке, улица Республики, 142.
- id: certificate
  category: Семинары
  question: Выдают ли сертификат участникам?
  answer: Да, каждый участник получает именной сертификат в конце семинара.
- id: online
  category: Семинары
  question: Можно ли участвовать онлайн?
  answer: Да, идёт трансляция; ссылку пришлём за день до начала.
- id: price
  category: Семинары
  question: Сколько стоит участие?
  answer: Участие бесплатное для некоммерческих организаций.
"""

ASK_BUTTON = "✉️ Задать вопрос организаторам"


def faq_env(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "faq.yml"
    path.write_text(FAQ, encoding="utf-8")
    return {"ADMIN_IDS": str(ADMIN), "FAQ_PATH": str(path)}


async def test_answer_suggestions_and_no_match(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    anna = fake_api.user(ANNA, "Анна", language_code="ru")
    fake_api.user(ADMIN, "Ирина", language_code="ru")
    bot = await run_bot(env=faq_env(tmp_path))

    # A confident answer: the entry in full.
    await anna.send("где будет семинар?")
    answer = await anna.wait_message("улица Республики")
    assert answer.buttons == [ASK_BUTTON]

    # A colloquial synonym carries a confident answer.
    await anna.send("корочку дадут?")
    await anna.wait_message("именной сертификат")

    # Not sure: "maybe you mean" with the entry's question on a button, and the
    # organisers' button; pressing the suggestion shows that answer.
    await anna.send("документ выдадут?")
    maybe = await anna.wait_message("Возможно, вы спрашиваете")
    assert maybe.buttons == ["Выдают ли сертификат участникам?", ASK_BUTTON]
    await anna.press("Выдают ли сертификат", maybe.message_id)
    await anna.wait_message("именной сертификат")

    # No match: said so, and the button sends the typed text to the organisers.
    await anna.send("Пускают ли с собакой?")
    await anna.wait_message("не нашёл")
    await anna.press("Задать вопрос организаторам")
    await anna.wait_message("Вопрос №1 отправлен")

    # Greetings and thanks are answered as such, with nothing to send on.
    await anna.send("Здравствуйте!")
    hello = await anna.wait_message("Напишите вопрос своими словами")
    assert hello.buttons and not [b for b in hello.buttons if "организатор" in b]  # the menu
    await anna.send("спасибо!")
    thanks = await anna.wait_message("Пожалуйста")
    assert thanks.buttons == []
    await anna.assert_no_new_messages()
    fake_api.assert_no_rejections()
    assert bot.error_lines() == []


async def test_faq_misses_attach_survives_restart_and_refuses_non_admins(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN, "Ирина", language_code="ru")
    anna = fake_api.user(ANNA, "Анна", language_code="ru")
    petr = fake_api.user(PETR, "Пётр", language_code="ru")
    env = faq_env(tmp_path)
    bot = await run_bot(env=env)

    # Two participants miss with the same wording (in different cases); one more gets
    # only suggestions, which counts as a miss too.
    await anna.send("Пускают ли с собакой?")
    await anna.wait_message("не нашёл")
    await petr.send("пускают ли с собакой")
    await petr.wait_message("не нашёл")
    # Not sure is a miss too: the online entry is only suggested.
    await anna.send("а трансляцию будете вести?")
    await anna.wait_message("Возможно, вы спрашиваете")

    # A participant cannot see the list, nor replay its buttons.
    await anna.send("/faq_misses")
    await anna.wait_message("только организаторам")
    query = await anna.press_data("admfm:dismiss:1:", anna.messages[-1].message_id)
    assert "организатор" in (await fake_api.wait_callback_answer(query)).get("text", "")

    # The admin sees the most frequent wording first, each with its nearest entries.
    await admin.send("/faq_misses")
    await admin.wait_message("2 формулировки")
    dog = await admin.wait_message("Спросили 2 раза")
    assert "с собакой" in (dog.text or "")
    video = await admin.wait_message("а трансляцию будете вести?")
    assert "Спросили 1 раз" in (video.text or "")
    assert video.buttons[-1] == "🗑 Убрать из списка"
    assert "➕ Можно ли участвовать онлайн?" in video.buttons

    # Attach the wording to the online entry; dismiss the other.
    await admin.press("Можно ли участвовать онлайн", video.message_id)
    await admin.wait_message("теперь бот отвечает")
    await admin.press("Убрать из списка", dog.message_id)
    await admin.wait_message("Убрано из списка")
    await admin.send("/faq_misses")
    await admin.wait_message("нет")

    # The wording answers at once, and after a restart (which re-imports FAQ_PATH).
    await petr.send("а трансляцию будете вести?")
    await petr.wait_message("ссылку пришлём")
    assert await bot.stop() == 0
    assert bot.error_lines() == []
    restarted = await run_bot(env=env)
    await petr.send("А трансляцию будете вести?")
    await petr.wait_message("ссылку пришлём")
    fake_api.assert_no_rejections()
    assert restarted.error_lines() == []


async def test_answered_question_attached_to_an_existing_entry(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(ADMIN, "Ирина", language_code="ru")
    anna = fake_api.user(ANNA, "Анна", language_code="ru")
    await run_bot(env=faq_env(tmp_path))

    # Not answered confidently (offered a guess, with the organisers' button).
    await anna.send("А оплачивать что-нибудь надо за семинар?")
    await anna.wait_message("Возможно, вы спрашиваете")
    await anna.press("Задать вопрос организаторам")
    await anna.wait_message("Вопрос №1 отправлен")
    posted = await admin.wait_message("оплачивать")

    # The admin answers by replying; the question's message then shows the answer and
    # «Прикрепить к частому вопросу», which lists the nearest entries.
    await admin.send_in(ADMIN, "Нет, участие бесплатное.", posted.message_id)
    await anna.wait_message("участие бесплатное")
    await admin.wait_edit(posted.message_id, "Нет, участие бесплатное")
    await admin.press("Прикрепить к частому вопросу", posted.message_id)
    choose = await admin.wait_message("К какому из частых вопросов")
    assert "➕ Сколько стоит участие?" in choose.buttons
    await admin.press("Сколько стоит участие", choose.message_id)
    await admin.wait_message("Вопрос №1 прикреплён")

    # Now the same question is answered from the FAQ; a second attach is refused.
    await anna.send("А оплачивать что-нибудь надо за семинар?")
    await anna.wait_message("Участие бесплатное для некоммерческих")
    query = await admin.press("Прикрепить к частому вопросу", posted.message_id)
    assert "уже среди частых" in (await fake_api.wait_callback_answer(query)).get("text", "")
    fake_api.assert_no_rejections()
