"""Organisers' dialogs: /new_seminar, /edit_seminar and /cancel_seminar, one router each.

Each dialog's router filters on `IsAdmin()` for all its handlers, so the role is checked
when the update arrives, not when the dialog began. Someone who lost admin rights while
in one of these dialogs is refused here and the dialog is closed.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.i18n import Tr
from handlers.admin_seminars import cancel, edit, new
from handlers.admin_seminars.edit import EditSeminar
from handlers.admin_seminars.new import NewSeminar
from handlers.filters import NOT_COMMAND, IsAdmin


async def refuse_in_dialog(message: Message, state: FSMContext, tr: Tr) -> None:
    """Someone who lost admin rights mid-dialog: close the dialog, change nothing."""
    await state.clear()
    await message.answer(tr("errors.admin_only"))


def create_router() -> Router:
    router = Router(name="admin_seminars")
    router.message.register(
        refuse_in_dialog, StateFilter(NewSeminar, EditSeminar), ~IsAdmin(), NOT_COMMAND
    )
    router.include_routers(new.create_router(), edit.create_router(), cancel.create_router())
    return router
