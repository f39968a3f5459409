"""The main menu's buttons; each feature's router answers its own action."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Tr, Translator

_LAYOUT = (("seminars",), ("my", "faq"), ("ask",), ("language",))


class MenuCb(CallbackData, prefix="menu"):
    action: str  # seminars | my | faq | ask | language


def main_menu(tr: Tr) -> InlineKeyboardMarkup:
    """Built once per language: it goes with every /start, the busiest reply."""
    per_language = _menus.setdefault(tr.translator, {})
    cached = per_language.get(tr.lang)
    if cached is None:
        cached = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=tr(f"menu.{action}"), callback_data=MenuCb(action=action).pack()
                    )
                    for action in row
                ]
                for row in _LAYOUT
            ]
        )
        per_language[tr.lang] = cached
    return cached


_menus: WeakKeyDictionary[Translator, dict[str, InlineKeyboardMarkup]] = WeakKeyDictionary()
