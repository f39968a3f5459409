"""Handler tests: /faq browsing, free-text answers, /ask, answering, "Add to FAQ", /questions."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.app import App, build_app
from bot.services.questions import MAX_OPEN_QUESTIONS
from bot.settings import Settings
from handlers.faq import FaqCb
from handlers.faq_learning import AttachQuestionCb
from handlers.menu import MenuCb
from handlers.questions import AddToFaqCb, AnswerCb, AskCb, AskerCb, DraftCb
from storage.models import StaffPostKind
from storage.repositories import Repositories
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import BOT_USER, RecordingSession, keyboard_buttons

STAFF_CHAT = -100777
ASKER = 501
ORGANISER = 601  # not an admin: an administrator of the staff chat, so an organiser there
MEMBER = 602  # a plain member of the staff chat: no organiser
STRANGER = 701

_ids = itertools.count(50_000)


@pytest.fixture
async def staff_app(tmp_path: Path, session: RecordingSession) -> AsyncIterator[App]:
    settings = Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        staff_chat_id=STAFF_CHAT,
        _env_file=None,  # type: ignore[call-arg]
    )
    session.chat_administrators.add(ORGANISER)
    application = build_app(settings, session=session)
    await application.db.connect()
    await application.faq.import_file(settings.faq_path)
    yield application
    await application.db.close()


@pytest.fixture
async def app_with_faq(app: App) -> App:
    await app.faq.import_file(app.settings.faq_path)
    return app


def _message(
    user: User, text: str, chat: Chat, reply_to: Message | None = None, from_bot: bool = False
) -> Message:
    return Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=chat,
        from_user=BOT_USER if from_bot else user,
        text=text,
        reply_to_message=reply_to,
    )


def reply_update(user: User, chat_id: int, to_message_id: int, text: str) -> Update:
    chat = Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup")
    replied = Message(
        message_id=to_message_id,
        date=datetime.now(UTC),
        chat=chat,
        from_user=BOT_USER,
        text="❓",
    )
    return Update(update_id=next(_ids), message=_message(user, text, chat, replied))


def callback_update(user: User, data: str, chat_id: int, reply_to: Message | None = None) -> Update:
    chat = Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup")
    message = Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=chat,
        from_user=BOT_USER,
        text="…",
        reply_to_message=reply_to,
    )
    return Update(
        update_id=next(_ids),
        callback_query=CallbackQuery(
            id=str(next(_ids)), from_user=user, chat_instance="ci", data=data, message=message
        ),
    )


def sent(session: RecordingSession, chat_id: int) -> list[SendMessage]:
    return [call for call in session.of_type(SendMessage) if call.chat_id == chat_id]


def callback_answers(session: RecordingSession) -> list[str]:
    return [
        str(call.text) for call in session.calls if type(call).__name__ == "AnswerCallbackQuery"
    ]


async def posts(app: App, question_id: int) -> list[tuple[int, int]]:
    return await Repositories(app.db).questions.posts(question_id)


# ---------------------------------------------------------------------- FAQ


async def test_faq_browsing_with_back_buttons_and_forged_keys(
    app_with_faq: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    app = app_with_faq
    anna = updates.tg_user(ASKER, "en")
    await feed(app, updates.message(anna, "/faq"))
    root = sent(session, ASKER)[-1]
    assert "Common questions" in root.text
    categories = list(keyboard_buttons(root.reply_markup).items())
    assert categories[0][0] == "Social entrepreneurship and the law"
    assert all(len(data.encode()) <= 64 for _, data in categories)

    await feed(app, updates.callback(anna, categories[0][1]))
    level = session.of_type(EditMessageText)[-1]
    assert "Social entrepreneurship and the law" in level.text
    questions = list(keyboard_buttons(level.reply_markup).items())
    assert questions[0][0] == "What is social entrepreneurship?"
    assert questions[-1][0].endswith("Back") and questions[-1][1] == FaqCb(view="root").pack()

    await feed(app, updates.callback(anna, questions[0][1]))
    answer = session.of_type(EditMessageText)[-1]
    entry = app.faq.get("what-is-social-entrepreneurship-en")
    assert entry is not None and entry.answer in answer.text
    assert list(keyboard_buttons(answer.reply_markup)) == ["⬅️ Back"]
    await feed(app, updates.callback(anna, keyboard_buttons(answer.reply_markup)["⬅️ Back"]))
    assert session.of_type(EditMessageText)[-1].text == level.text

    for forged in ("faq:entry:0123456789ab", "faq:cat:zz", "faq:bogus:x", "faq"):
        await feed(app, updates.callback(anna, forged))
    assert callback_answers(session)[-4:] == ["This button is out of date."] * 4
    assert [m.text for m in session.of_type(SendMessage)][-4:] == [
        "This button is out of date. Please open “FAQ” again — the button is below."
    ] * 4


async def test_free_text_answers_in_full_or_offers_the_organisers(
    app_with_faq: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    app = app_with_faq
    anna = updates.tg_user(ASKER)
    await feed(app, updates.message(anna, "как мне получить статус соц предприятия"))
    reply = sent(session, ASKER)[-1]
    entry = app.faq.get("how-to-get-status")
    assert entry is not None
    assert entry.answer in reply.text  # the full answer, not an excerpt
    labels = list(keyboard_buttons(reply.reply_markup))
    assert 1 <= len(labels) <= 4 and labels[-1] == "✉️ Задать вопрос организаторам"
    assert reply.reply_parameters is not None  # quotes the question for the button

    await feed(app, updates.message(anna, "какая погода завтра?"))
    no_match = sent(session, ASKER)[-1]
    assert "не нашёл" in no_match.text
    assert list(keyboard_buttons(no_match.reply_markup).items()) == [
        ("✉️ Задать вопрос организаторам", AskCb().pack())
    ]

    # In a group (the staff chat) plain text is not a question for the FAQ.
    before = len(session.calls)
    await feed(app, updates.message(anna, "как получить статус", chat_id=STAFF_CHAT))
    assert len(session.calls) == before


async def test_menu_buttons_open_the_faq_and_the_question_dialog(
    app_with_faq: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    anna = updates.tg_user(ASKER)
    await feed(app_with_faq, updates.callback(anna, MenuCb(action="faq").pack()))
    assert "Частые вопросы" in sent(session, ASKER)[-1].text
    await feed(app_with_faq, updates.callback(anna, MenuCb(action="ask").pack()))
    assert "Напишите ваш вопрос" in sent(session, ASKER)[-1].text
    await feed(app_with_faq, updates.message(anna, "Будет ли запись семинара?"))
    assert "Вопрос №1 отправлен" in sent(session, ASKER)[-1].text


# ---------------------------------------------------------------------- asking and answering


async def test_ask_reply_answer_edit_second_answer_and_add_to_faq(
    staff_app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    app = staff_app
    anna = updates.tg_user(ASKER)
    organiser = updates.tg_user(ORGANISER)
    now = datetime.now(UTC)

    await feed(app, updates.message(anna, "/ask"))
    await Repositories(app.db).profiles.save(ASKER, "Анна Петрова", "НКО <Рассвет>", "+7", now, now)
    assert "Напишите ваш вопрос" in sent(session, ASKER)[-1].text
    await feed(app, updates.message(anna, "<b>x</b> & <script> можно ли с собакой?"))
    assert "отправлен организаторам" in sent(session, ASKER)[-1].text

    staff = sent(session, STAFF_CHAT)[-1]
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt; можно ли с собакой?" in staff.text
    # The name only: organisation and username are for an admin who asks for them.
    assert "Анна Петрова" in staff.text and "Рассвет" not in staff.text
    assert f"@user{ASKER}" not in staff.text
    assert list(keyboard_buttons(staff.reply_markup).items()) == [
        ("Ответить", AnswerCb(question_id=1).pack()),
        ("Кто спрашивает", AskerCb(question_id=1).pack()),
    ]
    [(chat_id, post_id)] = await posts(app, 1)
    assert chat_id == STAFF_CHAT
    await feed(app, callback_update(organiser, AskerCb(question_id=1).pack(), STAFF_CHAT))
    assert callback_answers(session)[-1] == (
        "Организацию участника видят только администраторы бота."
    )
    await feed(
        app, callback_update(updates.tg_user(ADMIN_ID), AskerCb(question_id=1).pack(), STAFF_CHAT)
    )
    assert callback_answers(session)[-1] == (
        f"Анна Петрова\nОрганизация: НКО <Рассвет>\nTelegram: @user{ASKER}"
    )

    # A plain member of the staff chat cannot answer.
    member = updates.tg_user(MEMBER)
    await feed(app, reply_update(member, STAFF_CHAT, post_id, "Переведите 500 руб."))
    refusal = sent(session, STAFF_CHAT)[-1]
    assert refusal.text == (
        f'<a href="tg://user?id={MEMBER}">User{MEMBER}</a>, ваш ответ участнику не отправлен:'
        " отвечать на вопросы могут только организаторы — администраторы бота и"
        " администраторы этой группы."
    )
    assert "500 руб" not in "".join(session.texts(ASKER))

    await feed(app, reply_update(organiser, STAFF_CHAT, post_id, "Да, <i>можно</i>."))
    to_anna = sent(session, ASKER)[-1]
    assert "Да, &lt;i&gt;можно&lt;/i&gt;." in to_anna.text
    edit = [e for e in session.of_type(EditMessageText) if e.chat_id == STAFF_CHAT][-1]
    assert edit.message_id == post_id and "Ответил(а): User601" in edit.text
    # The time of the answer says which time it is, as every other time does.
    assert "по тюменскому времени (МСК+2)</b>" in edit.text
    # The edited question carries the next step; no separate «answer sent» message.
    assert list(keyboard_buttons(edit.reply_markup).items()) == [
        ("Добавить в FAQ", AddToFaqCb(question_id=1).pack()),
        ("Прикрепить к частому вопросу", AttachQuestionCb(question_id=1).pack()),
    ]
    assert sent(session, STAFF_CHAT)[-1] is refusal

    await feed(app, reply_update(updates.tg_user(ADMIN_ID), STAFF_CHAT, post_id, "Второй ответ"))
    assert "уже ответил(а) User601" in sent(session, STAFF_CHAT)[-1].text
    assert "Второй ответ" not in "".join(session.texts(ASKER))
    await feed(app, callback_update(organiser, AnswerCb(question_id=1).pack(), STAFF_CHAT))
    assert "уже ответил(а)" in callback_answers(session)[-1]

    # An organiser who is not an admin may not publish or attach; an admin reviews a draft.
    for faq_button in (AddToFaqCb(question_id=1), AttachQuestionCb(question_id=1)):
        for person in (organiser, member):
            await feed(app, callback_update(person, faq_button.pack(), STAFF_CHAT))
            assert callback_answers(session)[-1] == (
                "Добавлять ответы в частые вопросы могут только администраторы бота."
            )
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, callback_update(admin, AddToFaqCb(question_id=1).pack(), STAFF_CHAT))
    draft = sent(session, STAFF_CHAT)[-1]
    assert "Черновик" in draft.text and "можно ли с собакой?" in draft.text
    assert app.faq.get("question-1") is None
    assert list(keyboard_buttons(draft.reply_markup)) == [
        "✏️ Изменить вопрос",
        "✏️ Изменить ответ",
        "✅ Опубликовать",
        "Отменить",
    ]
    edit_question = DraftCb(action="question", question_id=1).pack()
    await feed(app, callback_update(organiser, edit_question, STAFF_CHAT))
    assert "только администраторы" in callback_answers(session)[-1]
    await feed(app, callback_update(admin, edit_question, STAFF_CHAT))
    assert "новый текст вопроса" in sent(session, STAFF_CHAT)[-1].text
    await feed(app, updates.message(admin, "Можно ли прийти с собакой?", chat_id=STAFF_CHAT))
    redrafted = sent(session, STAFF_CHAT)[-1]
    assert "Можно ли прийти с собакой?" in redrafted.text and "&lt;script&gt;" not in redrafted.text
    # «Добавить в FAQ» again while the draft is open: it is pointed at, not drafted again.
    drafts = [m.text for m in sent(session, STAFF_CHAT) if "Черновик" in m.text]
    await feed(app, callback_update(admin, AddToFaqCb(question_id=1).pack(), STAFF_CHAT))
    pointer = sent(session, STAFF_CHAT)[-1]
    assert "Черновик вопроса №1 уже открыт" in pointer.text
    shown = await Repositories(app.db).questions.staff_posts(1, (StaffPostKind.DRAFT,))
    assert pointer.reply_parameters.message_id == max(message_id for _, message_id, _ in shown)
    assert [m.text for m in sent(session, STAFF_CHAT) if "Черновик" in m.text] == [
        *drafts,
        pointer.text,
    ]
    publish = DraftCb(action="publish", question_id=1).pack()
    await feed(app, callback_update(organiser, publish, STAFF_CHAT))
    assert app.faq.get("question-1") is None
    before = len(sent(session, STAFF_CHAT))
    await feed(app, callback_update(admin, publish, STAFF_CHAT))
    assert callback_answers(session)[-1] == "Вопрос №1 добавлен в частые вопросы."
    assert len(sent(session, STAFF_CHAT)) == before  # the draft's edit and the toast say it
    entry = app.faq.get("question-1")
    assert entry is not None and entry.question == "Можно ли прийти с собакой?"
    assert [e.id for e in app.faq.search("можно с собакой?", "ru")][:1] == ["question-1"]
    await feed(app, callback_update(admin, AddToFaqCb(question_id=1).pack(), STAFF_CHAT))
    assert callback_answers(session)[-1] == "Этот вопрос уже есть в частых вопросах."

    # A re-import keeps the organiser's entry.
    await app.faq.import_file(app.settings.faq_path)
    assert app.faq.get("question-1") is not None


async def test_button_path_typed_text_and_organiser_checks(
    staff_app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    app = staff_app
    anna = updates.tg_user(ASKER, "en")
    stranger = updates.tg_user(STRANGER)
    organiser = updates.tg_user(ORGANISER)

    # The FAQ reply's button sends what was typed, without retyping.
    typed = _message(anna, "Is there a dress code at the seminar?", Chat(id=ASKER, type="private"))
    press = callback_update(anna, AskCb().pack(), ASKER, reply_to=typed)
    await feed(app, press)
    assert "Question #1 has been sent" in sent(session, ASKER)[-1].text
    assert "dress code" in sent(session, STAFF_CHAT)[-1].text
    [dropped] = session.of_type(EditMessageReplyMarkup)
    assert dropped.reply_markup is None

    # A double tap on the same message sends nothing again.
    told, staff = len(sent(session, ASKER)), len(sent(session, STAFF_CHAT))
    await feed(app, press.model_copy(update={"update_id": next(_ids)}))
    assert callback_answers(session)[-1].startswith("Already sent")
    assert (len(sent(session, ASKER)), len(sent(session, STAFF_CHAT))) == (told, staff)
    assert await Repositories(app.db).questions.get(2) is None

    # Nobody outside the staff chat who is not an admin may answer.
    await feed(app, callback_update(stranger, AnswerCb(question_id=1).pack(), STRANGER))
    assert callback_answers(session)[-1] == (
        "Отвечать на вопросы участников могут только организаторы — администраторы бота"
        " и администраторы группы организаторов."
    )

    await feed(app, callback_update(organiser, AnswerCb(question_id=1).pack(), STAFF_CHAT))
    assert "напишите ответ на вопрос №1" in sent(session, STAFF_CHAT)[-1].text
    await feed(app, updates.message(organiser, "No dress code.", chat_id=STAFF_CHAT))
    answer = sent(session, ASKER)[-1]
    assert "The organisers answered your question" in answer.text  # the asker's language
    assert "No dress code." in answer.text
    question = await Repositories(app.db).questions.get(1)
    assert question is not None and question.answered_by == ORGANISER


async def test_admins_get_questions_privately_without_a_staff_chat(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    anna = updates.tg_user(ASKER)
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, updates.message(admin, "/start"))
    await feed(app, updates.message(anna, "/ask"))
    await feed(app, updates.message(anna, "Когда будут материалы?"))
    [(chat_id, post_id)] = await posts(app, 1)
    assert chat_id == ADMIN_ID
    assert "Когда будут материалы?" in sent(session, ADMIN_ID)[-1].text

    # The same message id in another chat is not that question's staff message.
    await feed(app, reply_update(anna, ASKER, post_id, "сам себе отвечу"))
    question = await Repositories(app.db).questions.get(1)
    assert question is not None and not question.is_answered

    await feed(app, reply_update(admin, ADMIN_ID, post_id, "На следующей неделе."))
    assert "На следующей неделе." in sent(session, ASKER)[-1].text
    edit = session.of_type(EditMessageText)[-1]
    assert (edit.chat_id, edit.message_id) == (ADMIN_ID, post_id)


async def test_limits_and_the_open_questions_list(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    anna = updates.tg_user(ASKER)
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, updates.message(anna, "/ask"))
    await feed(app, updates.message(anna, "я" * 2001))
    assert "2000" in sent(session, ASKER)[-1].text and "2001" in sent(session, ASKER)[-1].text
    await feed(app, updates.message(anna, "Короткий вопрос 1"))  # still in the dialog
    for number in range(2, MAX_OPEN_QUESTIONS + 1):
        await feed(app, updates.message(anna, "/ask"))
        await feed(app, updates.message(anna, f"Короткий вопрос {number}"))
    await feed(app, updates.message(anna, "/ask"))
    assert "5 вопросов без ответа" in sent(session, ASKER)[-1].text

    await feed(app, updates.message(updates.tg_user(STRANGER), "/questions"))
    assert sent(session, STRANGER)[-1].text == "Эта команда доступна только организаторам."
    before = len(sent(session, ADMIN_ID))
    await feed(app, updates.message(admin, "/questions"))
    listing = sent(session, ADMIN_ID)[before:]
    assert "5 вопросов без ответа" in listing[0].text
    shown = [call.text for call in listing[1:]]
    assert [f"Короткий вопрос {n}" in text for n, text in enumerate(shown, 1)] == [True] * 5
    assert all("Ответить" in keyboard_buttons(call.reply_markup) for call in listing[1:])


async def test_staff_language_governs_the_staff_chat(
    tmp_path: Path, session: RecordingSession, updates: UpdateFactory
) -> None:
    settings = Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        staff_chat_id=STAFF_CHAT,
        staff_language="en",
        _env_file=None,  # type: ignore[call-arg]
    )
    app = build_app(settings, session=session)
    await app.db.connect()
    try:
        anna = updates.tg_user(ASKER)  # writes in Russian
        member = updates.tg_user(MEMBER)  # Russian too, but in the staff chat
        await feed(app, updates.message(anna, "/ask"))
        await feed(app, updates.message(anna, "Где вход?"))
        post = sent(session, STAFF_CHAT)[-1]
        assert post.text.startswith("❓ <b>Question #1</b>")
        assert list(keyboard_buttons(post.reply_markup)) == ["Answer", "Who is asking"]
        [(_, post_id)] = await posts(app, 1)
        await feed(app, reply_update(member, STAFF_CHAT, post_id, "Со двора"))
        assert sent(session, STAFF_CHAT)[-1].text.endswith(
            "your answer was not sent to the participant: only the organisers can answer"
            " questions — the bot's admins and this group's administrators."
        )

        # After /forget_me the staff message says so in the staff language; it can no
        # longer be answered, listed or published.
        await feed(app, updates.message(anna, "/forget_me"))
        await feed(app, updates.callback(anna, "forget:yes"))
        edit = [e for e in session.of_type(EditMessageText) if e.chat_id == STAFF_CHAT][-1]
        assert edit.text == "❓ <b>Question #1</b>\nThe participant deleted their data."
        assert edit.reply_markup is None
        admin = updates.tg_user(ADMIN_ID)
        await feed(app, reply_update(admin, STAFF_CHAT, post_id, "Со двора"))
        assert sent(session, STAFF_CHAT)[-1].text == (
            "There is no such question; it may have been deleted."
        )
        await feed(app, updates.message(admin, "/questions"))
        assert "Вопросов без ответа нет" in sent(session, ADMIN_ID)[-1].text
    finally:
        await app.db.close()
