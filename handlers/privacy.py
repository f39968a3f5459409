"""/forget_me: delete the user's personal data after a confirmation.

The confirmation is the user's current step only until they do anything else: its
«Да, удалить» pressed later (after /seminars, a question, another button) deletes
nothing and is answered as an out-of-date button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr
from bot.services.privacy import PrivacyService
from handlers.stale import expired_button, finish_dialog
from storage.models import User


class ForgetMe(StatesGroup):
    confirm = State()  # «Да, удалить» is live


class ForgetCb(CallbackData, prefix="forget"):
    action: str  # yes | no


def _answers_the_confirmation(event: TelegramObject) -> bool:
    """Its own buttons, and /cancel (which ends it and says so)."""
    if isinstance(event, CallbackQuery):
        return (event.data or "").startswith(f"{ForgetCb.__prefix__}:")
    if isinstance(event, Message) and event.text:
        return event.text.split(maxsplit=1)[0].split("@", 1)[0] == "/cancel"
    return False


class ConfirmationLeftMiddleware(BaseMiddleware):
    """Anything else the user does ends a pending /forget_me confirmation first.

    The message or press is then handled as if none had been asked: a typed question
    finds the FAQ, /seminars lists the seminars, and the old «Да» becomes out of date.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state = data.get("state")
        pending = data.get("raw_state") == ForgetMe.confirm.state
        if pending and isinstance(state, FSMContext) and not _answers_the_confirmation(event):
            await state.clear()
            data["raw_state"] = None
        return await handler(event, data)


async def ask(message: Message, tr: Tr, state: FSMContext) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("privacy.button_yes"), callback_data=ForgetCb(action="yes"))
    builder.button(text=tr("privacy.button_no"), callback_data=ForgetCb(action="no"))
    builder.adjust(1)
    await state.set_state(ForgetMe.confirm)
    await message.answer(tr("privacy.confirm"), reply_markup=builder.as_markup())


async def _is_pending(state: FSMContext) -> bool:
    """Whether the confirmation is the user's current step."""
    return await state.get_state() == ForgetMe.confirm.state


async def _drop_buttons(query: CallbackQuery) -> None:
    """An answered confirmation cannot be pressed again: «Да» after «Нет» deletes nothing."""
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def keep(query: CallbackQuery, bot: Bot, user: User, tr: Tr, state: FSMContext) -> None:
    if await _is_pending(state):
        await state.clear()
    await _drop_buttons(query)
    await bot.send_message(user.id, tr("privacy.kept"))


async def forget(
    query: CallbackQuery,
    bot: Bot,
    user: User,
    tr: Tr,
    state: FSMContext,
    privacy: PrivacyService,
    callback_answer: CallbackAnswer,
) -> None:
    """«Да» acts only while its confirmation is pending: one answered or left is stale."""
    if not await _is_pending(state):
        await expired_button(query, tr, callback_answer, state=state)
        return
    await state.clear()
    await _drop_buttons(query)
    result = await privacy.forget_me(user.id)
    await finish_dialog(state, query)  # a double tap on «Да» reads «Уже сделано»
    # Only what was there is listed; the Telegram names always were (every update has them).
    deleted: list[str] = [tr("privacy.removed_profile")] if result.profile_deleted else []
    deleted.append(tr("privacy.removed_names"))
    if result.cancelled:
        deleted.append(tr("privacy.cancelled", count=result.cancelled))
    if result.anonymised:
        deleted.append(tr("privacy.anonymised", count=result.anonymised))
    if result.questions:
        deleted.append(tr("privacy.questions", count=result.questions))
    if result.unanswered:
        deleted.append(tr("privacy.unanswered", count=result.unanswered))
    if len(deleted) == 1:
        lines: list[str] = [tr("privacy.done_names_only")]
    else:
        lines = [tr("privacy.done"), "", *deleted]
        if not result.profile_deleted:
            lines += ["", tr("privacy.no_profile")]
    lines += ["", tr("privacy.footer")]
    await bot.send_message(user.id, "\n".join(lines), reply_markup=ReplyKeyboardRemove())


def create_router() -> Router:
    router = Router(name="privacy")
    router.message.register(ask, Command("forget_me"))
    router.callback_query.register(forget, ForgetCb.filter(F.action == "yes"))
    router.callback_query.register(keep, ForgetCb.filter(F.action == "no"))
    return router
