"""The FAQ learns (admins): /faq_misses, and attaching an answered question to an entry.

/faq_misses sends one message per wording the FAQ could not answer, most frequent
first, with a button per nearest entry (attach the wording to it as an alias) and one
to dismiss it. After an answer, «Прикрепить к частому вопросу» offers the question's
nearest entries the same way. The buttons use the admin prefix, so the admin guard
refuses them to anyone else.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import shorten
from bot.i18n import Tr, join
from bot.services.faq_learning import AttachOutcome, MissWithCandidates
from handlers.alerts import alert
from handlers.filters import IsAdmin, RowId
from handlers.stale import expired_button

if TYPE_CHECKING:
    from bot.services.faq import FaqService
    from bot.services.faq_learning import FaqLearning

BUTTON_TEXT = 50
MISS_EXCERPT = 500


async def _drop_buttons(message: Message) -> None:
    # A message too old to edit keeps its buttons; a second press then finds the
    # wording gone and says the button is out of date.
    with suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=None)


class AttachQuestionCb(CallbackData, prefix="admqa"):
    """Attach an answered question: show its nearest entries, or (with key) attach."""

    question_id: RowId
    key: str = ""


class MissCb(CallbackData, prefix="admfm"):
    action: str  # attach | dismiss
    miss_id: RowId
    key: str = ""  # the entry's short key, for attach


def miss_keyboard(tr: Tr, item: MissWithCandidates, faq: FaqService) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for entry in item.candidates:
        builder.button(
            text=tr("faq_misses.buttons.attach", question=shorten(entry.question, BUTTON_TEXT)),
            callback_data=MissCb(action="attach", miss_id=item.miss.id, key=faq.key_of(entry)),
        )
    builder.button(
        text=tr("faq_misses.buttons.dismiss"),
        callback_data=MissCb(action="dismiss", miss_id=item.miss.id),
    )
    builder.adjust(1)
    return builder.as_markup()


async def list_misses(message: Message, tr: Tr, faq: FaqService, faq_learning: FaqLearning) -> None:
    misses = await faq_learning.frequent_misses()
    if not misses.shown:
        await message.answer(tr("faq_misses.empty"))
        return
    parts = [tr("faq_misses.header", count=misses.waiting)]
    if misses.waiting > len(misses.shown):
        parts.append(tr("faq_misses.more", count=len(misses.shown)))
    await message.answer(join("\n\n", parts))
    for item in misses.shown:
        await message.answer(
            tr(
                "faq_misses.item",
                text=shorten(item.miss.text, MISS_EXCERPT),
                count=item.miss.count,
            ),
            reply_markup=miss_keyboard(tr, item, faq),
        )


async def miss_button(
    query: CallbackQuery,
    callback_data: MissCb,
    tr: Tr,
    faq_learning: FaqLearning,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.action == "attach":
        outcome = await faq_learning.attach_miss(callback_data.miss_id, callback_data.key)
        if outcome is AttachOutcome.GONE:
            await expired_button(query, tr, callback_answer, is_admin=True)
            return
        await _drop_buttons(query.message)
        await query.message.answer(tr(f"faq_misses.{outcome.value}"))
        return
    if callback_data.action == "dismiss" and await faq_learning.dismiss_miss(callback_data.miss_id):
        await _drop_buttons(query.message)
        await query.message.answer(tr("faq_misses.dismissed"))
        return
    await expired_button(query, tr, callback_answer, is_admin=True)


async def attach_question(
    query: CallbackQuery,
    callback_data: AttachQuestionCb,
    tr: Tr,
    faq: FaqService,
    faq_learning: FaqLearning,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    number = callback_data.question_id
    if not callback_data.key:
        candidates = await faq_learning.question_candidates(number)
        if not candidates:
            alert(callback_answer, tr("faq_misses.question_unavailable"))
            return
        builder = InlineKeyboardBuilder()
        for entry in candidates:
            builder.button(
                text=tr("faq_misses.buttons.attach", question=shorten(entry.question, BUTTON_TEXT)),
                callback_data=AttachQuestionCb(question_id=number, key=faq.key_of(entry)),
            )
        builder.adjust(1)
        await query.message.answer(
            tr("faq_misses.choose_entry", number=number), reply_markup=builder.as_markup()
        )
        return
    outcome = await faq_learning.attach_question(number, callback_data.key)
    if outcome is AttachOutcome.ATTACHED:
        await _drop_buttons(query.message)
        await query.message.answer(tr("faq_misses.question_attached", number=number))
        return
    alert(callback_answer, tr("faq_misses.question_unavailable"))


def create_router() -> Router:
    router = Router(name="faq_learning")
    router.message.register(list_misses, Command("faq_misses"), IsAdmin())
    router.callback_query.register(miss_button, MissCb.filter(), IsAdmin())
    router.callback_query.register(attach_question, AttachQuestionCb.filter(), IsAdmin())
    return router
