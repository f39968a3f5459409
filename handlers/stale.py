"""An out-of-date button names its section and offers a way back into it.

Buttons go stale when a seminar, an FAQ entry or a dialog they belonged to is gone, or
when they are forged. "Open the section again" alone left older users stuck, so the
reply says which section and carries its button: the main-menu button for a
participant's section, a button that opens the command's screen for an organiser's.
Nothing is changed: the press is only answered.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Tr
from handlers.alerts import alert, toast
from handlers.menu import MenuCb, main_menu
from handlers.sections import Section, section_of

# The message whose button ended the last dialog: a double tap on it is not "out of date".
_DONE_KEY = "done_message_id"


async def finish_dialog(state: FSMContext, query: CallbackQuery) -> None:
    """End the dialog a button press completed, remembering which message the button was on."""
    await state.clear()
    if query.message is not None:
        await state.set_data({_DONE_KEY: query.message.message_id})


class ReopenCb(CallbackData, prefix="open"):
    command: str  # an organiser's command whose screen the button opens


def _way_back(tr: Tr, section: Section) -> tuple[str, InlineKeyboardButton]:
    if section.for_organisers:
        name = tr(f"commands.{section.name}")
        text = tr("errors.expired_command", section=name, command=section.name)
        return text, InlineKeyboardButton(
            text=name, callback_data=ReopenCb(command=section.name).pack()
        )
    label = tr(f"menu.{section.name}")
    text = tr("errors.expired_section", section=label.split(" ", 1)[-1])
    return text, InlineKeyboardButton(text=label, callback_data=MenuCb(action=section.name).pack())


async def expired_button(
    query: CallbackQuery,
    tr: Tr,
    callback_answer: CallbackAnswer,
    is_admin: bool = False,
    state: FSMContext | None = None,
) -> None:
    """Answer a press no live handler took: the section's name and its button.

    A second tap on the button that just finished a dialog («Опубликовать» twice) is
    answered with a brief "done" only: a message saying "open it again" would invite
    publishing the same seminar twice.
    """
    done = (await state.get_data()).get(_DONE_KEY) if state is not None else None
    if query.message is not None and done == query.message.message_id:
        toast(callback_answer, tr("errors.already_done"))
        return
    bot = query.bot
    chat = query.message.chat if query.message is not None else None
    chat_id = chat.id if chat is not None else query.from_user.id
    in_private = chat is None or chat.type == "private"
    section = section_of(query.data)
    if section is None or (section.for_organisers and not is_admin):
        alert(callback_answer, tr("errors.expired_button"))
        if section is None and in_private and bot is not None:
            await bot.send_message(chat_id, tr("errors.expired_button"), reply_markup=main_menu(tr))
        return
    text, button = _way_back(tr, section)
    if not in_private or bot is None:
        # A staff group: the command works there too, a button would open it for everyone.
        alert(callback_answer, tr("errors.expired_command_group", command=section.name))
        return
    callback_answer.text = text
    await bot.send_message(
        chat_id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )


async def reopen_section(
    query: CallbackQuery,
    callback_data: ReopenCb,
    bot: Bot,
    dispatcher: Dispatcher,
    **data: Any,
) -> None:
    """The organiser's "open again" button: the command runs as if it had been typed."""
    if not isinstance(query.message, Message):
        return
    typed = Message(
        message_id=query.message.message_id,
        date=query.message.date,
        chat=query.message.chat,
        from_user=query.from_user,
        text=f"/{callback_data.command}",
    ).as_(bot)
    context = {
        key: value
        for key, value in data.items()
        if key not in ("handler", "event_router", "callback_answer")
    }
    await dispatcher.propagate_event("message", typed, bot=bot, dispatcher=dispatcher, **context)
