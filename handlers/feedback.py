"""The feedback survey's buttons and answers, and /feedback for admins."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import format_datetime, format_decimal, shorten, zone_phrase
from bot.i18n import Html, Tr
from bot.services.feedback import (
    TEXT_LIMIT,
    FeedbackResults,
    RateOutcome,
    TextOutcome,
)
from bot.settings import Settings
from handlers.admin_export import ExportCb
from handlers.alerts import alert
from handlers.filters import (
    NOT_COMMAND,
    NOT_TYPED,
    PRIVATE_CHAT,
    TYPED,
    IsAdmin,
    RowId,
    typed_text,
)
from storage.models import User
from storage.repositories.feedback import FeedbackField

if TYPE_CHECKING:
    from bot.services.feedback import FeedbackService

SEMINAR_BUTTONS = 20
COMMENTS_PER_PAGE = 3
COMMENT_SHOWN = 500
TITLE_LIMIT = 80


class RateCb(CallbackData, prefix="fb"):
    registration_id: RowId
    rating: int


class SkipCb(CallbackData, prefix="fbskip"):
    registration_id: RowId
    field: FeedbackField


class FeedbackSeminarCb(CallbackData, prefix="adm_fbs"):
    seminar_id: RowId


class FeedbackPageCb(CallbackData, prefix="adm_fbp"):
    seminar_id: RowId
    page: int


class FeedbackListCb(CallbackData, prefix="adm_fbl"):
    pass


class FeedbackStates(StatesGroup):
    useful = State()
    next_topic = State()


_STATE_OF = {
    FeedbackField.USEFUL: FeedbackStates.useful,
    FeedbackField.NEXT_TOPIC: FeedbackStates.next_topic,
}
_NEXT = {FeedbackField.USEFUL: FeedbackField.NEXT_TOPIC}


def rating_keyboard(tr: Tr, registration_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for rating in range(1, 6):
        builder.button(
            text=str(rating), callback_data=RateCb(registration_id=registration_id, rating=rating)
        )
    return builder.as_markup()


def _skip_keyboard(tr: Tr, registration_id: int, field: FeedbackField) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("feedback.skip"), callback_data=SkipCb(registration_id=registration_id, field=field)
    )
    return builder.as_markup()


async def _ask(
    message: Message, state: FSMContext, tr: Tr, registration_id: int, field: FeedbackField
) -> None:
    await state.set_state(_STATE_OF[field])
    question = await message.answer(
        tr(f"feedback.{field.value}"), reply_markup=_skip_keyboard(tr, registration_id, field)
    )
    # The question's Skip goes once it is answered, by text or by Skip.
    await state.set_data({"registration_id": registration_id, "question_id": question.message_id})


async def _drop_skip(message: Message, question_id: object) -> None:
    if not isinstance(question_id, int) or message.bot is None:
        return
    with suppress(TelegramBadRequest):
        await message.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=question_id, reply_markup=None
        )


async def _after(
    message: Message, state: FSMContext, tr: Tr, registration_id: int, field: FeedbackField
) -> None:
    """The next question, or thanks after the last one."""
    following = _NEXT.get(field)
    if following is not None:
        await _ask(message, state, tr, registration_id, following)
        return
    await state.clear()
    await message.answer(tr("feedback.thanks"))


async def rate(
    query: CallbackQuery,
    callback_data: RateCb,
    user: User,
    feedback: FeedbackService,
    state: FSMContext,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    if not 1 <= callback_data.rating <= 5:
        alert(callback_answer, tr("feedback.not_found"))
        return
    result = await feedback.rate(user.id, callback_data.registration_id, callback_data.rating)
    if result.outcome is RateOutcome.NOT_FOUND:
        alert(callback_answer, tr("feedback.not_found"))
        return
    if result.outcome is RateOutcome.STALE or result.seminar is None:
        alert(callback_answer, tr("feedback.stale"))
        return
    if result.outcome is RateOutcome.CLOSED:
        alert(callback_answer, tr("feedback.closed"))
        return
    if result.outcome is RateOutcome.SAME:
        alert(callback_answer, tr("feedback.same", rating=callback_data.rating))
        return
    if not isinstance(query.message, Message):
        return
    with suppress(TelegramBadRequest):
        await query.message.edit_text(
            tr(
                "feedback.rated",
                survey=tr("feedback.survey", title=result.seminar.title),
                rating=callback_data.rating,
            ),
            reply_markup=rating_keyboard(tr, callback_data.registration_id),
        )
    if result.outcome is RateOutcome.CHANGED:
        callback_answer.text = tr("feedback.changed", rating=callback_data.rating)
        return
    await _ask(query.message, state, tr, callback_data.registration_id, FeedbackField.USEFUL)


async def skip(
    query: CallbackQuery,
    callback_data: SkipCb,
    user: User,
    feedback: FeedbackService,
    state: FSMContext,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    current = await state.get_state()
    data = await state.get_data()
    if (
        current != _STATE_OF[callback_data.field].state
        or data.get("registration_id") != callback_data.registration_id
    ):
        # A Skip left on an answered question: its keyboard goes, nothing else happens.
        alert(callback_answer, tr("feedback.answered"))
        if isinstance(query.message, Message) and query.message.reply_markup is not None:
            with suppress(TelegramBadRequest):
                await query.message.edit_reply_markup(reply_markup=None)
        return
    result = await feedback.answer(
        user.id, callback_data.registration_id, callback_data.field, None
    )
    refusal = _refusal(result.outcome)
    if refusal is not None:
        await state.clear()
        alert(callback_answer, tr(refusal))
        return
    if not isinstance(query.message, Message):
        return
    with suppress(TelegramBadRequest):
        await query.message.edit_reply_markup(reply_markup=None)
    await _after(query.message, state, tr, callback_data.registration_id, callback_data.field)


def _refusal(outcome: TextOutcome) -> str | None:
    """The i18n key that explains why an answer was not taken, or None when it was."""
    if outcome is TextOutcome.SAVED:
        return None
    return {
        TextOutcome.CLOSED: "feedback.closed",
        TextOutcome.NOT_FOUND: "feedback.not_found",
    }.get(outcome, "feedback.stale")


def _field_of(state_name: str | None) -> FeedbackField:
    if state_name == FeedbackStates.useful.state:
        return FeedbackField.USEFUL
    return FeedbackField.NEXT_TOPIC


async def answer_text(
    message: Message, user: User, feedback: FeedbackService, state: FSMContext, tr: Tr
) -> None:
    field = _field_of(await state.get_state())
    data = await state.get_data()
    registration_id = int(data.get("registration_id", 0))
    result = await feedback.answer(user.id, registration_id, field, typed_text(message))
    await _drop_skip(message, data.get("question_id"))
    refusal = _refusal(result.outcome)
    if refusal is not None:
        await state.clear()
        await message.answer(tr(refusal))
        return
    if result.cut:
        await message.answer(tr("feedback.cut", limit=TEXT_LIMIT))
    await _after(message, state, tr, registration_id, field)


async def answer_not_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("feedback.text_only"))


def _seminar_keyboard(results: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for seminar_id, text in results:
        builder.button(text=text, callback_data=FeedbackSeminarCb(seminar_id=seminar_id))
    builder.adjust(1)
    return builder.as_markup()


async def feedback_command(
    message: Message, feedback: FeedbackService, settings: Settings, tr: Tr
) -> None:
    await _send_picker(message, feedback, settings, tr)


async def other_seminar(
    query: CallbackQuery, feedback: FeedbackService, settings: Settings, tr: Tr
) -> None:
    """The results' `Another seminar` button: the list again."""
    if isinstance(query.message, Message):
        await _send_picker(query.message, feedback, settings, tr)


async def _send_picker(
    message: Message, feedback: FeedbackService, settings: Settings, tr: Tr
) -> None:
    seminars = await feedback.surveyed_seminars(SEMINAR_BUTTONS)
    if not seminars:
        await message.answer(tr("feedback.admin.none"))
        return
    buttons = [
        (s.id, f"{format_datetime(s.starts_at, settings.timezone, tr)} · {s.title}")
        for s in seminars
    ]
    await message.answer(
        tr("feedback.admin.choose", zone=zone_phrase(settings.timezone, tr)),
        reply_markup=_seminar_keyboard(buttons),
    )


def render_results(results: FeedbackResults, page: int, tr: Tr, settings: Settings) -> str:
    totals = results.totals
    rate = ""
    if totals.surveyed:
        rate = tr("feedback.admin.rate", percent=round(100 * totals.responded / totals.surveyed))
    lines: list[str] = [
        tr(
            "feedback.admin.title",
            title=shorten(results.seminar.title, TITLE_LIMIT),
            date=format_datetime(results.seminar.starts_at, settings.timezone, tr),
            zone=zone_phrase(settings.timezone, tr, results.seminar.starts_at),
        ),
        tr(
            "feedback.admin.responses",
            responded=totals.responded,
            count=totals.surveyed,
            rate=Html(rate),
        ),
    ]
    if totals.average is None:
        lines.append(tr("feedback.admin.no_ratings"))
    else:
        lines.append(tr("feedback.admin.average", average=format_decimal(totals.average, tr)))
        lines += [
            tr("feedback.admin.bar", rating=rating, count=totals.distribution[rating])
            for rating in range(5, 0, -1)
        ]
    lines.append("")
    comments = results.comments
    if not comments:
        lines.append(tr("feedback.admin.no_comments"))
        return "\n".join(lines)
    first = page * COMMENTS_PER_PAGE
    shown = comments[first : first + COMMENTS_PER_PAGE]
    lines.append(
        tr(
            "feedback.admin.comments",
            first=first + 1,
            last=first + len(shown),
            total=len(comments),
        )
    )
    for comment in shown:
        rating = (
            tr("feedback.admin.comment_rating", rating=comment.rating) if comment.rating else ""
        )
        lines.append(tr("feedback.admin.comment", name=comment.full_name, rating=Html(rating)))
        for field in FeedbackField:
            text = comment.useful if field is FeedbackField.USEFUL else comment.next_topic
            if text:
                lines.append(tr(f"feedback.admin.{field.value}", text=shorten(text, COMMENT_SHOWN)))
    return "\n".join(lines)


def _results_keyboard(tr: Tr, seminar_id: int, page: int, comments: int) -> InlineKeyboardMarkup:
    """Pages of comments, then the export with the feedback sheet and another seminar."""
    builder = InlineKeyboardBuilder()
    pages = []
    if page > 0:
        pages.append((tr("feedback.admin.prev"), page - 1))
    if (page + 1) * COMMENTS_PER_PAGE < comments:
        pages.append((tr("feedback.admin.next"), page + 1))
    for text, target in pages:
        builder.button(text=text, callback_data=FeedbackPageCb(seminar_id=seminar_id, page=target))
    builder.button(text=tr("feedback.admin.export"), callback_data=ExportCb(seminar_id=seminar_id))
    builder.button(text=tr("feedback.admin.other"), callback_data=FeedbackListCb())
    builder.adjust(*([len(pages)] if pages else []), 1, 1)
    return builder.as_markup()


async def show_results(
    query: CallbackQuery,
    callback_data: FeedbackSeminarCb | FeedbackPageCb,
    feedback: FeedbackService,
    settings: Settings,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    """A seminar picked opens its results below the list; a page edits the results."""
    results = await feedback.results(callback_data.seminar_id)
    if results is None:
        alert(callback_answer, tr("feedback.admin.not_found"))
        return
    if not isinstance(query.message, Message):
        return
    pages = max(1, -(-len(results.comments) // COMMENTS_PER_PAGE))
    requested = callback_data.page if isinstance(callback_data, FeedbackPageCb) else 0
    page = min(max(requested, 0), pages - 1)
    text = render_results(results, page, tr, settings)
    markup = _results_keyboard(tr, results.seminar.id, page, len(results.comments))
    if isinstance(callback_data, FeedbackSeminarCb):
        await query.message.answer(text, reply_markup=markup)
        return
    with suppress(TelegramBadRequest):
        await query.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="feedback")
    router.callback_query.register(rate, RateCb.filter())
    router.callback_query.register(skip, SkipCb.filter())
    router.message.register(
        answer_text,
        StateFilter(FeedbackStates.useful, FeedbackStates.next_topic),
        PRIVATE_CHAT,
        TYPED,
        NOT_COMMAND,
    )
    router.message.register(
        answer_not_text,
        StateFilter(FeedbackStates.useful, FeedbackStates.next_topic),
        PRIVATE_CHAT,
        NOT_TYPED,
    )
    router.message.register(feedback_command, Command("feedback"), IsAdmin())
    router.callback_query.register(show_results, FeedbackSeminarCb.filter(), IsAdmin())
    router.callback_query.register(show_results, FeedbackPageCb.filter(), IsAdmin())
    router.callback_query.register(other_seminar, FeedbackListCb.filter(), IsAdmin())
    return router
