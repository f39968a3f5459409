"""/faq browsing (categories → questions → answer) and free text treated as a question.

Buttons carry short hashed keys of categories and entries (see bot.services.faq); a key
that no longer exists, or was forged, gets the "button is out of date" alert.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import shorten
from bot.i18n import Html, Tr
from bot.services.faq_file import FaqEntry
from bot.services.small_talk import SmallTalk
from handlers.filters import NOT_COMMAND, PRIVATE_CHAT, TYPED, typed_text
from handlers.menu import MenuCb, main_menu
from handlers.questions import AskCb
from handlers.stale import expired_button
from storage.models import User

if TYPE_CHECKING:
    from bot.services.faq import FaqCategory, FaqService
    from bot.services.faq_desk import FaqDesk

MAX_MESSAGE = 4096
BUTTON_TEXT = 60  # longer questions are cut on buttons; the answer shows them in full
RELATED_LIMIT = 3


class FaqCb(CallbackData, prefix="faq"):
    view: str  # root | cat (a category's questions) | entry (edit in place) | show (new message)
    key: str = ""


def categories_keyboard(categories: list[FaqCategory]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in categories:
        builder.button(
            text=shorten(category.title, BUTTON_TEXT),
            callback_data=FaqCb(view="cat", key=category.key),
        )
    builder.adjust(1)
    return builder.as_markup()


def category_keyboard(tr: Tr, category: FaqCategory, faq: FaqService) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for entry in category.entries:
        builder.button(
            text=shorten(entry.question, BUTTON_TEXT),
            callback_data=FaqCb(view="entry", key=faq.key_of(entry)),
        )
    builder.button(text=tr("faq.buttons.back"), callback_data=FaqCb(view="root"))
    builder.adjust(1)
    return builder.as_markup()


def entry_keyboard(tr: Tr, category: FaqCategory) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("faq.buttons.back"), callback_data=FaqCb(view="cat", key=category.key))
    return builder.as_markup()


def render_entry(tr: Tr, entry: FaqEntry) -> Html:
    """The question in bold and the full answer; an over-long question yields room."""
    room = MAX_MESSAGE - len(entry.answer) - 10
    return tr("faq.answer", question=shorten(entry.question, max(room, 100)), answer=entry.answer)


# ---------------------------------------------------------------------- browsing


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup) -> None:
    # A double press edits to the same content, which Telegram refuses; nothing to do then.
    with suppress(TelegramBadRequest):
        await message.edit_text(text, reply_markup=markup)


async def _show_categories(message: Message, tr: Tr, faq: FaqService, *, edit: bool) -> None:
    categories = faq.categories(tr.lang)
    if not categories:
        await message.answer(tr("faq.empty"))
        return
    text, markup = tr("faq.categories"), categories_keyboard(categories)
    if edit:
        await _edit(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def faq_command(message: Message, tr: Tr, faq: FaqService) -> None:
    await _show_categories(message, tr, faq, edit=False)


async def faq_menu(query: CallbackQuery, tr: Tr, faq: FaqService) -> None:
    if isinstance(query.message, Message):
        await _show_categories(query.message, tr, faq, edit=False)


async def faq_navigate(
    query: CallbackQuery,
    callback_data: FaqCb,
    tr: Tr,
    faq: FaqService,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.view == "root":
        await _show_categories(query.message, tr, faq, edit=True)
        return
    if callback_data.view == "cat":
        category = faq.category(callback_data.key)
        if category is not None:
            await _edit(
                query.message,
                tr("faq.category", title=category.title),
                category_keyboard(tr, category, faq),
            )
            return
    elif callback_data.view in ("entry", "show"):
        entry = faq.entry(callback_data.key)
        if entry is not None:
            markup = entry_keyboard(tr, faq.category_of(entry))
            if callback_data.view == "entry":
                await _edit(query.message, render_entry(tr, entry), markup)
            else:
                # From a free-text reply: keep that answer, show this one below it.
                await query.message.answer(render_entry(tr, entry), reply_markup=markup)
            return
    await expired_button(query, tr, callback_answer)


# ---------------------------------------------------------------------- free text


def _reply_keyboard(tr: Tr, related: list[FaqEntry], faq: FaqService) -> InlineKeyboardMarkup:
    # Built directly, not with InlineKeyboardBuilder: this goes with every free-text
    # reply, and the builder's deep copies cost more than the search itself.
    buttons = [
        InlineKeyboardButton(
            text=shorten(entry.question, BUTTON_TEXT),
            callback_data=FaqCb(view="show", key=faq.key_of(entry)).pack(),
        )
        for entry in related
    ]
    buttons.append(InlineKeyboardButton(text=tr("faq.buttons.ask"), callback_data=AskCb().pack()))
    return InlineKeyboardMarkup(inline_keyboard=[[button] for button in buttons])


async def free_text(
    message: Message, user: User, tr: Tr, faq: FaqService, faq_desk: FaqDesk
) -> None:
    """Plain text outside any dialog: small talk, an FAQ answer, suggestions, or nothing.

    A photo or document with a caption counts as text: the caption is the message.
    Greetings and thanks are answered as such and never offered to the organisers.
    The reply quotes the user's message, so the "ask the organisers" button can send
    that text as the question without making the user type it again.
    """
    typed = typed_text(message)
    reply = await faq_desk.respond(user.id, tr.lang, typed, RELATED_LIMIT + 1)
    if reply.talk is not None:
        # A greeting or an «ок» is answered with the main menu: the next step is one press away.
        menu = None if reply.talk is SmallTalk.THANKS else main_menu(tr)
        await message.answer(tr(f"faq.{reply.talk.value}"), reply_markup=menu)
        return
    quote = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
    if not reply.answers:
        key = "faq.suggestions" if reply.suggestions else "faq.no_match"
        markup = _reply_keyboard(tr, reply.suggestions, faq)
        await message.answer(tr(key), reply_markup=markup, reply_parameters=quote)
        return
    best, related = reply.answers[0], reply.answers[1:]
    text: str = render_entry(tr, best)
    if related and len(text) + 60 < MAX_MESSAGE:
        text += tr("faq.related")
    await message.answer(
        text, reply_markup=_reply_keyboard(tr, related, faq), reply_parameters=quote
    )


def create_router() -> Router:
    router = Router(name="faq")
    router.message.register(faq_command, Command("faq"))
    router.callback_query.register(faq_menu, MenuCb.filter(F.action == "faq"))
    router.callback_query.register(faq_navigate, FaqCb.filter())
    # The catch-all: only private chats (never the staff chat), no dialog, no command.
    router.message.register(free_text, StateFilter(None), PRIVATE_CHAT, TYPED, NOT_COMMAND)
    return router
