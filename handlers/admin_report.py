"""/report (admins, private chat): the programme report for funders as XLSX and DOCX."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr
from bot.services.report import ReportService
from bot.services.report_period import Period, Preset, parse_range
from handlers.filters import NOT_COMMAND, PRIVATE_CHAT, TYPED, IsAdmin, typed_text


class ReportCb(CallbackData, prefix="adm_rep"):
    preset: Preset


class ReportStates(StatesGroup):
    period = State()


def period_keyboard(tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for preset in Preset:
        builder.button(
            text=tr(f"report.presets.{preset.value}"), callback_data=ReportCb(preset=preset)
        )
    builder.adjust(2, 2, 1)
    return builder.as_markup()


async def _send_report(
    bot: Bot, chat_id: int, period: Period, report: ReportService, tr: Tr
) -> None:
    dates = {"first": f"{period.first:%d.%m.%Y}", "last": f"{period.last:%d.%m.%Y}"}
    await bot.send_message(chat_id, tr("report.preparing", **dates))
    files = await report.build(period, tr.lang)
    if files is None:
        await bot.send_message(
            chat_id, tr("report.empty", **dates), reply_markup=period_keyboard(tr)
        )
        return
    await bot.send_document(
        chat_id,
        BufferedInputFile(files.xlsx, filename=files.xlsx_name),
        caption=tr("report.caption_xlsx", **dates),
    )
    await bot.send_document(
        chat_id,
        BufferedInputFile(files.docx, filename=files.docx_name),
        caption=tr("report.caption_docx", **dates),
    )


async def report_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    report: ReportService,
    state: FSMContext,
    tr: Tr,
) -> None:
    if message.chat.type != ChatType.PRIVATE:
        await message.answer(tr("report.private_only"))
        return
    args = (command.args or "").strip()
    if not args:
        await state.set_state(ReportStates.period)
        await message.answer(tr("report.choose"), reply_markup=period_keyboard(tr))
        return
    await _by_text(message, args, bot, report, state, tr)


async def _by_text(
    message: Message, text: str, bot: Bot, report: ReportService, state: FSMContext, tr: Tr
) -> None:
    period = parse_range(text)
    if period is None:
        await message.answer(tr("report.bad_range"))
        return
    await state.clear()
    await _send_report(bot, message.chat.id, period, report, tr)


async def on_range(
    message: Message, bot: Bot, report: ReportService, state: FSMContext, tr: Tr
) -> None:
    await _by_text(message, typed_text(message), bot, report, state, tr)


async def on_preset(
    query: CallbackQuery,
    callback_data: ReportCb,
    bot: Bot,
    report: ReportService,
    state: FSMContext,
    tr: Tr,
) -> None:
    await state.clear()
    period = await report.preset(callback_data.preset)
    await _send_report(bot, query.from_user.id, period, report, tr)


def create_router() -> Router:
    """Behind IsAdmin, beside the guard that refuses non-admins."""
    router = Router(name="admin_report")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(report_command, Command("report"))
    router.callback_query.register(on_preset, ReportCb.filter())
    router.message.register(
        on_range, StateFilter(ReportStates.period), PRIVATE_CHAT, TYPED, NOT_COMMAND
    )
    return router
