"""The main menu's buttons; each feature's router answers its own action."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr


class MenuCb(CallbackData, prefix="menu"):
    action: str  # seminars | my | faq | ask | language


def main_menu(tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in ("seminars", "my", "faq", "ask", "language"):
        builder.button(text=tr(f"menu.{action}"), callback_data=MenuCb(action=action))
    builder.adjust(1, 2, 1, 1)
    return builder.as_markup()
