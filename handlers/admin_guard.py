"""Polite refusals for non-admins who send admin commands or replay admin buttons.

Admin callback data prefixes start with `adm`, so one rule covers every admin button.
The FAQ's Attach button sits under a question in the staff chat, so its refusal says
who may change the FAQ, as Add to FAQ's does.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import ADMIN_ONLY_COMMANDS
from bot.i18n import Tr
from handlers.alerts import alert
from handlers.faq_learning import AttachQuestionCb
from handlers.filters import ADMIN_BUTTON, IsAdmin


async def refuse_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("errors.admin_only"))


async def refuse_button(query: CallbackQuery, tr: Tr, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, tr("errors.admin_only"))


async def refuse_attach(query: CallbackQuery, tr: Tr, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, tr("questions.faq_admins_only"))


def create_router() -> Router:
    router = Router(name="admin_guard")
    router.message.filter(~IsAdmin())
    router.callback_query.filter(~IsAdmin())
    router.message.register(refuse_command, Command(*ADMIN_ONLY_COMMANDS))
    router.callback_query.register(refuse_attach, AttachQuestionCb.filter())
    router.callback_query.register(refuse_button, ADMIN_BUTTON)
    return router
