"""Screens with personal data answer only in a private chat with the bot.

/my shows the phone number, the profile dialog asks for it, a ticket's QR checks its
holder in, /forget_me reports what was deleted, and registering may open the profile
dialog: in a group, each is refused
with one line before any feature router could show or ask anything. A refused command
carries a button that opens the private chat; a refused button's pop-up names the bot.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Tr
from handlers.alerts import alert
from handlers.filters import Magic
from handlers.menu import MenuCb
from handlers.privacy import ForgetCb
from handlers.private_chat import private_chat_keyboard
from handlers.profile import ProfileCb
from handlers.seminar_views import SeminarCb
from handlers.tickets import TicketCb

PERSONAL_COMMANDS = ("my", "forget_me")


async def refuse_command(message: Message, bot: Bot, tr: Tr) -> None:
    await message.answer(
        tr("errors.personal_data_private"), reply_markup=await private_chat_keyboard(bot, tr)
    )


async def refuse_button(
    query: CallbackQuery, bot: Bot, tr: Tr, callback_answer: CallbackAnswer
) -> None:
    me = await bot.me()
    alert(callback_answer, tr("errors.personal_data_private_bot", username=me.username or ""))


def create_router() -> Router:
    router = Router(name="private_guard")
    not_private = Magic(F.chat.type != "private")
    router.message.filter(not_private)
    router.callback_query.filter(Magic(F.message.chat.type != "private"))
    router.message.register(refuse_command, Command(*PERSONAL_COMMANDS))
    for button in (
        MenuCb.filter(F.action == "my"),
        ProfileCb.filter(),
        ForgetCb.filter(),
        SeminarCb.filter(F.action == "reg"),
        TicketCb.filter(),
    ):
        router.callback_query.register(refuse_button, button)
    return router
