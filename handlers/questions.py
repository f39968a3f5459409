"""Questions to organisers: /ask, answering (reply or button), "Add to FAQ", /questions.

Organisers are the admins and the administrators of the staff chat, so the staff
buttons do not use the admin-only `adm` prefix; each handler asks `QuestionService`
(`may_answer`, `may_publish`). A plain member's reply to a question is refused in the
group, naming him; a refused button opens no dialog, so what he types next is group
chatter no handler here takes. "Add to FAQ" (admins only) opens a draft the admin
reviews and may rewrite first; publishing or cancelling it closes its messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext, shorten
from bot.i18n import Html, Tr
from bot.services.questions import (
    DRAFT_LIMITS,
    MAX_ANSWER_LENGTH,
    MAX_OPEN_QUESTIONS,
    MAX_QUESTION_LENGTH,
    AddToFaqOutcome,
    AnswerOutcome,
    DraftField,
    FaqDraft,
    SubmitOutcome,
    is_forgotten,
)
from bot.services.sender import Delivery
from handlers.alerts import alert, toast
from handlers.faq_learning import AttachQuestionCb
from handlers.filters import (
    NOT_COMMAND,
    NOT_TYPED,
    PRIVATE_CHAT,
    TYPED,
    IsAdmin,
    RowId,
    typed_text,
)
from handlers.menu import MenuCb
from handlers.private_chat import private_chat_keyboard
from storage.models import Question, StaffPostKind, User

if TYPE_CHECKING:
    from bot.services.questions import QuestionService

LIST_LIMIT = 10  # /questions shows this many of the oldest, one message each
LIST_EXCERPT = 200  # characters of each question in the /questions overview
# The draft message shows both texts in one message (4096 characters at most).
DRAFT_QUESTION_SHOWN = 1200
DRAFT_ANSWER_SHOWN = 2600
ALERT_LENGTH = 200  # Telegram's limit for a pop-up's text


class AskCb(CallbackData, prefix="ask"):
    """Send the text the user typed (the message the button's message replies to)."""

    source: str = "typed"


class AnswerCb(CallbackData, prefix="qans"):
    question_id: RowId


class AddToFaqCb(CallbackData, prefix="qfaq"):
    question_id: RowId


class AskerCb(CallbackData, prefix="qwho"):
    question_id: RowId


class DraftCb(CallbackData, prefix="qdraft"):
    action: str  # question | answer | publish | drop
    question_id: RowId


class AskStates(StatesGroup):
    question = State()


class AnswerStates(StatesGroup):
    answer = State()


class DraftStates(StatesGroup):
    question = State()
    answer = State()


def answer_keyboard(tr: Tr, question_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("questions.buttons.answer"), callback_data=AnswerCb(question_id=question_id)
    )
    builder.button(
        text=tr("questions.buttons.asker"), callback_data=AskerCb(question_id=question_id)
    )
    return builder.as_markup()


def staff_keyboard(tr: Tr, question: Question) -> InlineKeyboardMarkup | None:
    """Answer while the question is open; Add to FAQ once answered (until it is added).

    A forgotten question (/forget_me) has no buttons at all.
    """
    if is_forgotten(question):
        return None
    if not question.is_answered:
        return answer_keyboard(tr, question.id)
    if question.faq_entry_id is None:
        return add_to_faq_keyboard(tr, question.id)
    return None


def draft_keyboard(tr: Tr, question_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in ("question", "answer", "publish", "drop"):
        builder.button(
            text=tr(f"questions.buttons.draft_{action}"),
            callback_data=DraftCb(action=action, question_id=question_id),
        )
    builder.adjust(2, 1, 1)
    return builder.as_markup()


def add_to_faq_keyboard(tr: Tr, question_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("questions.buttons.add_to_faq"), callback_data=AddToFaqCb(question_id=question_id)
    )
    builder.button(
        text=tr("questions.buttons.attach_to_faq"),
        callback_data=AttachQuestionCb(question_id=question_id),
    )
    builder.adjust(1)
    return builder.as_markup()


class RepliesToQuestion(Filter):
    """A text reply to a staff message that shows a question; passes `question_id` on."""

    async def __call__(self, message: Message, questions: QuestionService) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or not typed_text(message) or typed_text(message).startswith("/"):
            return False
        question_id = await questions.question_of_post(message.chat.id, replied.message_id)
        return False if question_id is None else {"question_id": question_id}


# ---------------------------------------------------------------------- asking


async def _start_asking(
    message: Message, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    if not await questions.can_ask(user.id):
        await message.answer(tr("questions.too_many", limit=MAX_OPEN_QUESTIONS))
        return
    await state.set_state(AskStates.question)
    await message.answer(tr("questions.prompt"))


async def _submit(
    message: Message,
    user: User,
    text: str,
    tr: Tr,
    state: FSMContext,
    questions: QuestionService,
) -> None:
    result = await questions.submit(user, text)
    if result.outcome is SubmitOutcome.EMPTY:
        await state.set_state(AskStates.question)
        await message.answer(tr("questions.need_text"))
        return
    if result.outcome is SubmitOutcome.NOT_A_QUESTION:
        await state.set_state(AskStates.question)
        await message.answer(tr("questions.not_a_question"))
        return
    if result.outcome is SubmitOutcome.TOO_LONG:
        # Stay in (or enter) the dialog so a shorter version can simply be sent.
        await state.set_state(AskStates.question)
        await message.answer(
            tr("questions.too_long", length=len(text.strip()), limit=MAX_QUESTION_LENGTH)
        )
        return
    await state.set_state(None)
    if result.outcome is SubmitOutcome.TOO_MANY or result.question is None:
        await message.answer(tr("questions.too_many", limit=MAX_OPEN_QUESTIONS))
        return
    await message.answer(tr("questions.sent", number=result.question.id))


async def ask_command(
    message: Message, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    await _start_asking(message, user, tr, state, questions)


async def ask_menu(
    query: CallbackQuery, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    if isinstance(query.message, Message):
        await _start_asking(query.message, user, tr, state, questions)


async def ask_typed(
    query: CallbackQuery, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    """The FAQ reply's button: send what the user typed, without asking them to retype."""
    if not isinstance(query.message, Message):
        return
    typed = query.message.reply_to_message
    text = typed_text(typed) if typed is not None else None
    if typed is None or not text or typed.from_user is None or typed.from_user.id != user.id:
        # The typed message is gone (deleted): ask for the question instead.
        await _start_asking(query.message, user, tr, state, questions)
        return
    await _submit(query.message, user, text, tr, state, questions)


async def ask_in_group(message: Message, bot: Bot, tr: Tr) -> None:
    await message.answer(
        tr("errors.private_only"), reply_markup=await private_chat_keyboard(bot, tr)
    )


async def question_text(
    message: Message, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    await _submit(message, user, typed_text(message), tr, state, questions)


async def question_not_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("questions.need_text"))


# ---------------------------------------------------------------------- answering


async def _already_answered_text(
    ctx: RenderContext, question: Question, questions: QuestionService
) -> str:
    assert question.answered_at is not None
    return ctx.tr(
        "questions.already_answered",
        number=question.id,
        name=await questions.answered_by_name(question),
        when=ctx.when(question.answered_at),
    )


async def _answer(
    message: Message,
    user: User,
    question_id: int,
    text: str,
    ctx: RenderContext,
    state: FSMContext,
    questions: QuestionService,
) -> None:
    tr = ctx.tr
    result = await questions.answer(question_id, user.id, text)
    if result.outcome is AnswerOutcome.EMPTY:
        await message.answer(tr("questions.answer_need_text"))
        return
    if result.outcome is AnswerOutcome.TOO_LONG:
        await message.answer(
            tr("questions.answer_too_long", length=len(text.strip()), limit=MAX_ANSWER_LENGTH)
        )
        return
    await state.set_state(None)
    await state.set_data({})
    if result.outcome is AnswerOutcome.NOT_FOUND or result.question is None:
        await message.answer(tr("questions.not_found"))
        return
    if result.outcome is AnswerOutcome.ALREADY_ANSWERED:
        await message.answer(await _already_answered_text(ctx, result.question, questions))
        return
    if result.delivery is Delivery.SENT:
        # The question's staff message now shows the answer and the Add to FAQ button;
        # a separate «answer sent» message would only repeat it.
        return
    key = {
        Delivery.BLOCKED: "questions.answer_not_delivered",
        Delivery.FAILED: "questions.answer_failed",
        None: "questions.answer_asker_gone",
    }[result.delivery]
    sent = await message.answer(
        tr(key, number=question_id), reply_markup=add_to_faq_keyboard(tr, question_id)
    )
    await questions.remember_post(
        StaffPostKind.ANSWERED, sent.chat.id, sent.message_id, [question_id]
    )


async def answer_by_reply(
    message: Message,
    question_id: int,
    user: User,
    ctx: RenderContext,
    state: FSMContext,
    questions: QuestionService,
) -> None:
    tr = ctx.tr
    if not await questions.may_answer(message.chat.id, user.id):
        # Said in the group, so it names who it is for.
        name = message.from_user.full_name if message.from_user else user.display_name
        await message.answer(tr("questions.not_organiser_reply", id=user.id, name=name))
        return
    await _answer(message, user, question_id, typed_text(message), ctx, state, questions)


async def answer_button(
    query: CallbackQuery,
    callback_data: AnswerCb,
    ctx: RenderContext,
    state: FSMContext,
    questions: QuestionService,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    if not isinstance(query.message, Message):
        return
    if not await questions.may_answer(query.message.chat.id, query.from_user.id):
        alert(callback_answer, tr("questions.not_organiser"))
        return
    question = await questions.get(callback_data.question_id)
    if question is None or is_forgotten(question):
        alert(callback_answer, tr("questions.not_found"))
        return
    if question.is_answered:
        alert(callback_answer, await _already_answered_text(ctx, question, questions))
        return
    await state.set_state(AnswerStates.answer)
    await state.set_data({"question_id": question.id})
    await query.message.answer(
        tr("questions.answer_prompt", name=query.from_user.full_name, number=question.id)
    )


async def answer_typed(
    message: Message,
    user: User,
    ctx: RenderContext,
    state: FSMContext,
    questions: QuestionService,
) -> None:
    tr = ctx.tr
    question_id = (await state.get_data()).get("question_id")
    if not isinstance(question_id, int) or not await questions.may_answer(message.chat.id, user.id):
        await state.set_state(None)
        await state.set_data({})
        await message.answer(tr("questions.not_organiser"))
        return
    await _answer(message, user, question_id, typed_text(message), ctx, state, questions)


async def answer_not_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("questions.answer_need_text"))


async def show_asker(
    query: CallbackQuery,
    callback_data: AskerCb,
    tr: Tr,
    questions: QuestionService,
    callback_answer: CallbackAnswer,
) -> None:
    """The asker's organisation, in a pop-up only the admin who pressed sees."""
    if not questions.may_publish(query.from_user.id):
        alert(callback_answer, tr("questions.asker_admins_only"))
        return
    asker = await questions.asker_of(callback_data.question_id)
    if asker is None:
        alert(callback_answer, tr("questions.asker_gone"))
        return
    # A pop-up is plain text: Html() keeps the values from being HTML-escaped.
    if asker.organisation:
        text = tr(
            "questions.asker_details",
            name=Html(asker.name),
            organisation=Html(asker.organisation),
            username=Html(f"@{asker.username}" if asker.username else "—"),
        )
    else:
        text = tr("questions.asker_no_profile", name=Html(asker.name))
    alert(callback_answer, shorten(text, ALERT_LENGTH))


_DRAFT_REFUSALS = {
    AddToFaqOutcome.ALREADY_ADDED: "questions.faq_already",
    AddToFaqOutcome.NOT_ANSWERED: "questions.faq_not_answered",
    AddToFaqOutcome.NOT_FOUND: "questions.not_found",
    AddToFaqOutcome.NO_DRAFT: "questions.draft_gone",
}


async def _show_draft(
    message: Message, tr: Tr, draft: FaqDraft, questions: QuestionService
) -> None:
    sent = await message.answer(
        tr(
            "questions.draft",
            number=draft.question_id,
            question=shorten(draft.question, DRAFT_QUESTION_SHOWN),
            answer=shorten(draft.answer, DRAFT_ANSWER_SHOWN),
        ),
        reply_markup=draft_keyboard(tr, draft.question_id),
    )
    await questions.remember_post(
        StaffPostKind.DRAFT, sent.chat.id, sent.message_id, [draft.question_id]
    )


async def add_to_faq(
    query: CallbackQuery,
    callback_data: AddToFaqCb,
    tr: Tr,
    questions: QuestionService,
    callback_answer: CallbackAnswer,
) -> None:
    """Admins only: the draft to review, never a public entry straight away."""
    if not isinstance(query.message, Message):
        return
    if not questions.may_publish(query.from_user.id):
        alert(callback_answer, tr("questions.faq_admins_only"))
        return
    draft = await questions.start_draft(callback_data.question_id, query.from_user.id)
    if draft.outcome is not AddToFaqOutcome.ADDED:
        alert(callback_answer, tr(_DRAFT_REFUSALS[draft.outcome]))
        return
    await _show_draft(query.message, tr, draft, questions)


async def draft_button(
    query: CallbackQuery,
    callback_data: DraftCb,
    tr: Tr,
    state: FSMContext,
    questions: QuestionService,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    if not questions.may_publish(query.from_user.id):
        alert(callback_answer, tr("questions.faq_admins_only"))
        return
    action, question_id = callback_data.action, callback_data.question_id
    # A button of a draft already published, cancelled or forgotten does nothing.
    closed = tr("questions.draft_closed")
    editing = {"question": DraftStates.question, "answer": DraftStates.answer}.get(action)
    if editing is not None:
        if not await questions.has_draft(question_id):
            alert(callback_answer, closed)
            return
        await state.set_state(editing)
        await state.set_data({"question_id": question_id})
        await query.message.answer(tr(f"questions.draft_prompt_{action}"))
        return
    if action == "drop":
        if not await questions.drop_draft(question_id, query.from_user.id):
            alert(callback_answer, closed)
            return
        # The draft's message now says it was cancelled: a toast confirms the press.
        toast(callback_answer, tr("questions.draft_dropped"))
        return
    outcome = await questions.publish_draft(question_id, query.from_user.id)
    if outcome is AddToFaqOutcome.ADDED:
        toast(callback_answer, tr("questions.faq_added", number=question_id))
        return
    alert(callback_answer, closed)


async def draft_typed(
    message: Message, user: User, tr: Tr, state: FSMContext, questions: QuestionService
) -> None:
    """The admin's new text for the draft's question or answer."""
    question_id = (await state.get_data()).get("question_id")
    current = await state.get_state()
    if not isinstance(question_id, int) or not questions.may_publish(user.id):
        await state.clear()
        await message.answer(tr("questions.faq_admins_only"))
        return
    field = DraftField.QUESTION if current == DraftStates.question.state else DraftField.ANSWER
    draft = await questions.edit_draft(question_id, user.id, field, typed_text(message))
    if draft.outcome is AddToFaqOutcome.TOO_LONG:
        await message.answer(
            tr(
                "questions.draft_too_long",
                length=len(typed_text(message).strip()),
                limit=DRAFT_LIMITS[field],
            )
        )
        return
    if draft.outcome is AddToFaqOutcome.EMPTY:
        await message.answer(tr(f"questions.draft_prompt_{field.value}"))
        return
    await state.clear()
    if draft.outcome is not AddToFaqOutcome.ADDED:
        await message.answer(tr(_DRAFT_REFUSALS[draft.outcome]))
        return
    await _show_draft(message, tr, draft, questions)


# ---------------------------------------------------------------------- /questions


async def list_questions(message: Message, tr: Tr, questions: QuestionService) -> None:
    shown, total = await questions.open_questions(LIST_LIMIT)
    if not shown:
        await message.answer(tr("questions.list_empty"))
        return
    # One overview message first, so the whole list is readable at a glance; then each
    # question as its own staff message, which an organiser can answer by replying.
    lines = [tr("questions.list_header", count=total), ""]
    lines += [
        tr("questions.list_item", number=q.id, excerpt=shorten(q.text, LIST_EXCERPT)) for q in shown
    ]
    if total > len(shown):
        lines += ["", tr("questions.list_more", shown=len(shown))]
    lines += ["", tr("questions.list_tail")]
    overview = await message.answer("\n".join(lines))
    await questions.remember_post(
        StaffPostKind.OVERVIEW, overview.chat.id, overview.message_id, [q.id for q in shown]
    )
    for question in shown:
        await questions.post(question, message.chat.id, tr)


def create_router() -> Router:
    router = Router(name="questions")
    # A reply to a question's staff message is an answer, whatever dialog is open.
    router.message.register(answer_by_reply, RepliesToQuestion())
    router.message.register(answer_typed, StateFilter(AnswerStates.answer), TYPED, NOT_COMMAND)
    router.message.register(answer_not_text, StateFilter(AnswerStates.answer), NOT_TYPED)
    router.message.register(
        draft_typed, StateFilter(DraftStates.question, DraftStates.answer), TYPED, NOT_COMMAND
    )
    router.message.register(ask_command, Command("ask"), PRIVATE_CHAT)
    router.message.register(ask_in_group, Command("ask"))
    router.message.register(
        question_text, StateFilter(AskStates.question), PRIVATE_CHAT, TYPED, NOT_COMMAND
    )
    router.message.register(
        question_not_text, StateFilter(AskStates.question), PRIVATE_CHAT, NOT_TYPED
    )
    router.message.register(list_questions, Command("questions"), IsAdmin())
    router.callback_query.register(ask_menu, MenuCb.filter(F.action == "ask"))
    router.callback_query.register(ask_typed, AskCb.filter())
    router.callback_query.register(answer_button, AnswerCb.filter())
    router.callback_query.register(add_to_faq, AddToFaqCb.filter())
    router.callback_query.register(show_asker, AskerCb.filter())
    router.callback_query.register(
        draft_button, DraftCb.filter(F.action.in_({"question", "answer", "publish", "drop"}))
    )
    return router
