"""Last resort: unknown commands, non-text messages and buttons no router took (stale or forged)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Tr
from handlers.alerts import alert
from handlers.filters import IS_COMMAND, NO_TEXT, PRIVATE_CHAT


async def unknown_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("unknown_command"))


async def not_text(message: Message, tr: Tr) -> None:
    """A sticker, photo or voice message outside any dialog would otherwise get silence."""
    await message.answer(tr("text_only"))


async def stale_button(query: CallbackQuery, tr: Tr, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, tr("errors.expired_button"))


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, IS_COMMAND)
    router.message.register(not_text, PRIVATE_CHAT, NO_TEXT)
    router.callback_query.register(stale_button)
    return router
