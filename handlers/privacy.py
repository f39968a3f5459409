"""/forget_me: delete the user's personal data after a confirmation."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr
from bot.services.privacy import PrivacyService
from storage.models import User


class ForgetCb(CallbackData, prefix="forget"):
    action: str  # yes | no


async def ask(message: Message, tr: Tr) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("privacy.button_yes"), callback_data=ForgetCb(action="yes"))
    builder.button(text=tr("privacy.button_no"), callback_data=ForgetCb(action="no"))
    builder.adjust(1)
    await message.answer(tr("privacy.confirm"), reply_markup=builder.as_markup())


async def _drop_buttons(query: CallbackQuery) -> None:
    """An answered confirmation cannot be pressed again: «Да» after «Нет» deletes nothing."""
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def keep(query: CallbackQuery, bot: Bot, user: User, tr: Tr) -> None:
    await _drop_buttons(query)
    await bot.send_message(user.id, tr("privacy.kept"))


async def forget(
    query: CallbackQuery, bot: Bot, user: User, tr: Tr, privacy: PrivacyService
) -> None:
    await _drop_buttons(query)
    result = await privacy.forget_me(user.id)
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
