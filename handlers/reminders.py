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
from handlers.online import JoinCb
from storage.models import User

if TYPE_CHECKING:
    from bot.services.reminders import ReminderService


class ReminderCb(CallbackData, prefix="rem"):
    action: str  # yes | no
    registration_id: RowId


def reminder_keyboard(
    tr: Tr, registration_id: int, *, attending: bool = False, join_seminar_id: int | None = None
) -> InlineKeyboardMarkup:
    """Both answers; once the user said "I'll come", only "Can't come" is left to press.

    The last reminder of an online or hybrid seminar also carries Join.
    """
    builder = InlineKeyboardBuilder()
    if join_seminar_id is not None:
        builder.button(text=tr("online.button"), callback_data=JoinCb(seminar_id=join_seminar_id))
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
        markup = reminder_keyboard(
            tr,
            callback_data.registration_id,
            attending=True,
            join_seminar_id=_join_seminar(query.message),
        )
    else:
        callback_answer.text = tr("reminders.cancelled")
        text = tr("reminders.marked_cancelled", reminder=text)
    if isinstance(query.message, Message):
        # An old message may no longer be editable, or already show this state.
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


def _join_seminar(message: object) -> int | None:
    """The seminar of the Join button the reminder carried, so the edit keeps it."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            data = button.callback_data or ""
            if data.startswith(f"{JoinCb.__prefix__}:"):
                return JoinCb.unpack(data).seminar_id
    return None


def create_router() -> Router:
    router = Router(name="reminders")
    router.callback_query.register(answer_reminder, ReminderCb.filter(F.action.in_({"yes", "no"})))
    return router
