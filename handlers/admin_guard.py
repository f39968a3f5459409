"""Polite refusals for non-admins who send admin commands or replay admin buttons.

Admin callback data prefixes start with `adm`, so one rule covers every admin button.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.i18n import Tr
from handlers.filters import IsAdmin

ADMIN_COMMANDS = (
    "new_seminar",
    "edit_seminar",
    "cancel_seminar",
    "broadcast",
    "export",
    "questions",
    "stats",
)

router = Router(name="admin_guard")
router.message.filter(~IsAdmin())
router.callback_query.filter(~IsAdmin())


@router.message(Command(*ADMIN_COMMANDS))
async def refuse_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("errors.admin_only"))


@router.callback_query(F.data.startswith("adm"))
async def refuse_button(query: CallbackQuery, tr: Tr) -> None:
    await query.answer(tr("errors.admin_only"), show_alert=True)
