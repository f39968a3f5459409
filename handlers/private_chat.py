"""A button that opens the private chat with the bot, for refusals given in a group."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr


async def private_chat_keyboard(bot: Bot, tr: Tr) -> InlineKeyboardMarkup | None:
    """A URL button to https://t.me/<bot username> (getMe is asked once: aiogram keeps it)."""
    me = await bot.me()
    if not me.username:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("errors.open_private_chat"), url=f"https://t.me/{me.username}")
    return builder.as_markup()
