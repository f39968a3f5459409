"""Last resort: unknown commands and buttons that no router took (stale or forged)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n import Tr

router = Router(name="fallback")


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("unknown_command"))


@router.callback_query()
async def stale_button(query: CallbackQuery, tr: Tr) -> None:
    await query.answer(tr("errors.expired_button"), show_alert=True)
