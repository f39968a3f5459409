"""An out-of-date button names its section and offers that section's menu button.

Buttons go stale when a seminar, an FAQ entry or a dialog they belonged to is gone, or
when they are forged. "Open the section again" alone left older users stuck, so the
reply says which section and carries its button.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Tr
from handlers.alerts import alert
from handlers.menu import MenuCb

# Callback data prefix → the main-menu section the button belonged to.
_SECTIONS = {
    "sem": "seminars",
    "sems": "seminars",
    "faq": "faq",
    "prof": "my",
    "rem": "my",
    "forget": "my",
    "ask": "ask",
    "lang": "language",
}


# Consent buttons belong to registering for a seminar, not to the profile in /my.
_REGISTRATION_STEPS = ("prof:agree", "prof:decline")


def section_of(data: str | None) -> str | None:
    if (data or "").startswith(_REGISTRATION_STEPS):
        return "seminars"
    prefix = (data or "").split(":", 1)[0]
    if prefix == "menu":
        action = (data or "").split(":", 2)[1:2]
        return action[0] if action and action[0] in _SECTIONS.values() else None
    return _SECTIONS.get(prefix)


async def expired_button(
    query: CallbackQuery, bot: Bot, tr: Tr, callback_answer: CallbackAnswer
) -> None:
    """Say the button is out of date; for a participant's section, offer its button."""
    section = section_of(query.data)
    if section is None:
        alert(callback_answer, tr("errors.expired_button"))
        return
    label = tr(f"menu.{section}")
    text = tr("errors.expired_section", section=label.split(" ", 1)[-1])
    callback_answer.text = text
    button = InlineKeyboardButton(text=label, callback_data=MenuCb(action=section).pack())
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await bot.send_message(
        chat_id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )
