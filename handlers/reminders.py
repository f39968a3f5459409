"""The reminder's buttons: "I'll come" records attendance, "Can't come" gives the seat up."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr
from bot.services.reminders import AnswerOutcome, render_reminder
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import RowId
from storage.models import User

if TYPE_CHECKING:
    from bot.services.reminders import ReminderService


class ReminderCb(CallbackData, prefix="rem"):
    action: str  # yes | no
    registration_id: RowId


def reminder_keyboard(
    tr: Tr, registration_id: int, *, attending: bool = False
) -> InlineKeyboardMarkup:
    """Both answers; once the user said "I'll come", only "Can't come" is left to press."""
    builder = InlineKeyboardBuilder()
    if not attending:
        builder.button(
            text=tr("reminders.buttons.yes"),
            callback_data=ReminderCb(action="yes", registration_id=registration_id),
        )
    builder.button(
        text=tr("reminders.buttons.no"),
        callback_data=ReminderCb(action="no", registration_id=registration_id),
    )
    return builder.as_markup()


async def answer_reminder(
    query: CallbackQuery,
    callback_data: ReminderCb,
    user: User,
    reminders: ReminderService,
    settings: Settings,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    attending = callback_data.action == "yes"
    result = await reminders.answer(user.id, callback_data.registration_id, attending)
    if result.outcome is AnswerOutcome.STALE or result.seminar is None:
        alert(callback_answer, tr("reminders.stale"))
        return
    text = render_reminder(tr, result.seminar, settings)
    markup: InlineKeyboardMarkup | None = None
    if result.outcome is AnswerOutcome.ATTENDING:
        callback_answer.text = tr("reminders.attending")
        text = tr("reminders.marked_attending", reminder=text)
        markup = reminder_keyboard(tr, callback_data.registration_id, attending=True)
    else:
        callback_answer.text = tr("reminders.cancelled")
        text = tr("reminders.marked_cancelled", reminder=text)
    if isinstance(query.message, Message):
        # An old message may no longer be editable, or already show this state.
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="reminders")
    router.callback_query.register(answer_reminder, ReminderCb.filter(F.action.in_({"yes", "no"})))
    return router
