"""/start (in a group: a pointer to the private chat), /help, /language and /cancel."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr, Translator
from bot.services.users import UserDirectory
from bot.settings import Settings
from handlers.filters import Magic
from handlers.menu import MenuCb, main_menu
from handlers.private_chat import private_chat_keyboard
from handlers.profile import ProfileForm
from storage.models import User


class LanguageCb(CallbackData, prefix="lang"):
    code: str


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="Русский", callback_data=LanguageCb(code="ru"))
    builder.button(text="English", callback_data=LanguageCb(code="en"))
    return builder.as_markup()


async def start(
    message: Message,
    tr: Tr,
    user: User,
    is_admin: bool,
    state: FSMContext,
    users: UserDirectory,
    settings: Settings,
) -> None:
    await state.clear()
    await users.started(user.id)
    text: str = tr("start.greeting", name=user.first_name or user.display_name)
    if settings.free_of_charge:
        text += "\n\n" + tr("start.free")
    if is_admin:
        text += tr("start.admin_hint")
    await message.answer(text, reply_markup=main_menu(tr))


async def start_in_group(message: Message, bot: Bot, tr: Tr) -> None:
    """In a group the menu's buttons would only refuse: one line and the private chat."""
    await message.answer(tr("start.in_group"), reply_markup=await private_chat_keyboard(bot, tr))


async def help_command(message: Message, tr: Tr, is_admin: bool) -> None:
    text: str = tr("help.text")
    if is_admin:
        text += tr("help.admin")
    await message.answer(text)


async def language_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("language.choose"), reply_markup=language_keyboard())


async def language_menu(query: CallbackQuery, tr: Tr) -> None:
    if isinstance(query.message, Message):
        await query.message.answer(tr("language.choose"), reply_markup=language_keyboard())


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    users: UserDirectory,
    user: User,
    translator: Translator,
) -> None:
    await users.set_language(user.id, callback_data.code)
    tr = translator.for_language(callback_data.code)
    if isinstance(query.message, Message):
        await query.message.edit_text(tr("language.changed"))
        await query.message.answer(tr("help.text"), reply_markup=main_menu(tr))


async def cancel_nothing(message: Message, tr: Tr) -> None:
    """No dialog: the main menu."""
    await message.answer(f"{tr('cancel.nothing')} {tr('cancel.menu')}", reply_markup=main_menu(tr))


async def cancel_dialog(message: Message, tr: Tr, state: FSMContext) -> None:
    """Leave the dialog and show where to go next: the main menu's buttons.

    Only the phone step shows a reply keyboard; taking it away needs a message of its
    own, because one message carries either that or the inline menu.
    """
    on_phone_step = await state.get_state() == ProfileForm.phone.state
    await state.clear()
    if on_phone_step:
        await message.answer(tr("cancel.done"), reply_markup=ReplyKeyboardRemove())
        await message.answer(tr("cancel.menu"), reply_markup=main_menu(tr))
        return
    await message.answer(f"{tr('cancel.done')} {tr('cancel.menu')}", reply_markup=main_menu(tr))


def create_router() -> Router:
    router = Router(name="common")
    router.message.register(start_in_group, CommandStart(), Magic(F.chat.type != "private"))
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(language_command, Command("language"))
    router.callback_query.register(language_menu, MenuCb.filter(F.action == "language"))
    router.callback_query.register(language_chosen, LanguageCb.filter(F.code.in_({"ru", "en"})))
    router.message.register(cancel_nothing, Command("cancel"), StateFilter(None))
    router.message.register(cancel_dialog, Command("cancel"))
    return router
