"""/export: attendee lists as CSV and XLSX documents (admins only, private chat only)."""

from __future__ import annotations

import re
from datetime import timedelta

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.formatting import format_datetime, shorten
from bot.i18n import Tr
from bot.services.export import ExportFile, export_all, export_seminar, labels_for
from bot.settings import Settings
from handlers.filters import IsAdmin, RowId
from storage.models import Seminar
from storage.repositories import Repositories

# How far back the button list reaches: seminars just held are the ones exported most.
RECENT_WINDOW = timedelta(days=60)
BUTTON_LIMIT = 40
# A document caption holds 1024 characters.
TITLE_IN_CAPTION = 300
_ID_ARG = re.compile(r"^[#№]?\s*(\d{1,18})$")
_ALL_ARGS = frozenset({"all", "все", "всё"})


class ExportCb(CallbackData, prefix="adm_exp"):
    seminar_id: RowId


class ExportAllCb(CallbackData, prefix="adm_expall"):
    pass


def seminar_keyboard(seminars: list[Seminar], tr: Tr, settings: Settings) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        # Plain text, not HTML, so the title goes in unescaped; and whole, as in the other
        # seminar pickers, so the button is found by the seminar's title.
        text = f"{format_datetime(seminar.starts_at, settings.timezone, tr)} · {seminar.title}"
        if seminar.is_cancelled:
            text += f" {tr('export.cancelled_mark')}"
        builder.button(text=text, callback_data=ExportCb(seminar_id=seminar.id))
    builder.button(text=tr("export.all_button"), callback_data=ExportAllCb())
    builder.adjust(1)
    return builder.as_markup()


async def _send(bot: Bot, chat_id: int, file: ExportFile, caption: str) -> None:
    await bot.send_document(
        chat_id, BufferedInputFile(file.content, filename=file.filename), caption=caption
    )


async def _send_seminar(
    bot: Bot,
    chat_id: int,
    seminar_id: int,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    files = await export_seminar(
        repos, seminar_id, labels_for(tr, settings.timezone), settings.timezone, clock()
    )
    if files is None:
        await bot.send_message(chat_id, tr("export.not_found", id=seminar_id))
        return
    caption = tr(
        "export.caption",
        title=shorten(files.seminar.title, TITLE_IN_CAPTION),
        date=format_datetime(files.seminar.starts_at, settings.timezone, tr),
        confirmed=files.totals.confirmed,
        waitlist=files.totals.waitlist,
        cancelled=files.totals.cancelled,
    )
    await _send(bot, chat_id, files.csv, caption)
    await _send(bot, chat_id, files.xlsx, caption)


async def _send_all(
    bot: Bot, chat_id: int, tr: Tr, repos: Repositories, settings: Settings, clock: Clock
) -> None:
    file, count = await export_all(
        repos, labels_for(tr, settings.timezone), settings.timezone, clock()
    )
    await _send(bot, chat_id, file, tr("export.caption_all", count=count))


async def export_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    if message.chat.type != ChatType.PRIVATE:
        await message.answer(tr("export.private_only"))
        return
    args = (command.args or "").strip()
    if not args:
        seminars = await repos.seminars.recent_and_upcoming(
            clock() - RECENT_WINDOW, limit=BUTTON_LIMIT
        )
        if not seminars:
            await message.answer(tr("export.no_seminars"))
            return
        await message.answer(
            tr("export.choose"), reply_markup=seminar_keyboard(seminars, tr, settings)
        )
        return
    if args.casefold() in _ALL_ARGS:
        await _send_all(bot, message.chat.id, tr, repos, settings, clock)
        return
    match = _ID_ARG.match(args)
    if match is None:
        await message.answer(tr("export.usage"))
        return
    await _send_seminar(bot, message.chat.id, int(match.group(1)), tr, repos, settings, clock)


async def export_button(
    query: CallbackQuery,
    callback_data: ExportCb,
    bot: Bot,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    await _send_seminar(
        bot, query.from_user.id, callback_data.seminar_id, tr, repos, settings, clock
    )


async def export_all_button(
    query: CallbackQuery,
    bot: Bot,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    await _send_all(bot, query.from_user.id, tr, repos, settings, clock)


def create_router() -> Router:
    """Every handler here is behind IsAdmin, beside the guard that refuses non-admins."""
    router = Router(name="admin_export")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(export_command, Command("export"))
    router.callback_query.register(export_button, ExportCb.filter())
    router.callback_query.register(export_all_button, ExportAllCb.filter())
    return router
