"""/cancel_seminar: choose a seminar → confirm; everyone registered is told."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.i18n import Tr
from bot.services.seminar_admin import CancelSeminarOutcome, SeminarAdmin
from handlers.admin_seminars.picking import pick_seminar, picked
from handlers.alerts import alert
from handlers.filters import IsAdmin, RowId
from storage.repositories import Repositories


class AdmCancelCb(CallbackData, prefix="adm_cancel"):
    seminar_id: RowId
    action: str  # ask | yes | no


async def cancel_seminar_command(
    message: Message, state: FSMContext, ctx: RenderContext, repos: Repositories
) -> None:
    await pick_seminar(
        message,
        state,
        ctx,
        repos,
        "admin_seminars.cancel.choose_seminar",
        lambda seminar: AdmCancelCb(seminar_id=seminar.id, action="ask"),
    )


async def cancel_ask(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    ctx: RenderContext,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await picked(repos, callback_data.seminar_id, ctx, callback_answer)
    if seminar is None:
        return
    counts = await repos.registrations.counts(seminar.id)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("admin_seminars.cancel.confirm_button"),
        callback_data=AdmCancelCb(seminar_id=seminar.id, action="yes"),
    )
    builder.button(
        text=tr("admin_seminars.cancel.keep_button"),
        callback_data=AdmCancelCb(seminar_id=seminar.id, action="no"),
    )
    if isinstance(query.message, Message):
        told = counts.confirmed + counts.waitlist
        key = "admin_seminars.cancel.confirm" if told else "admin_seminars.cancel.confirm_nobody"
        await query.message.answer(
            tr(key, title=seminar.title, when=ctx.when(seminar.starts_at), count=told),
            reply_markup=builder.as_markup(),
        )


async def cancel_confirmed(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    tr: Tr,
    seminar_admin: SeminarAdmin,
    callback_answer: CallbackAnswer,
) -> None:
    result = await seminar_admin.cancel(callback_data.seminar_id)
    if result.outcome is not CancelSeminarOutcome.CANCELLED or result.seminar is None:
        key = {
            CancelSeminarOutcome.ALREADY_CANCELLED: "admin_seminars.cancel.already",
            CancelSeminarOutcome.STARTED: "admin_seminars.cancel.started",
        }.get(result.outcome, "admin_seminars.pick.seminar_gone")
        alert(callback_answer, tr(key))
        return
    if isinstance(query.message, Message):
        told = len(result.audience)
        key = "admin_seminars.cancel.done" if told else "admin_seminars.cancel.done_nobody"
        await query.message.answer(tr(key, title=result.seminar.title, count=told))


async def cancel_kept(query: CallbackQuery, tr: Tr) -> None:
    if isinstance(query.message, Message):
        await query.message.answer(tr("admin_seminars.cancel.kept"))


def create_router() -> Router:
    router = Router(name="admin_seminars.cancel")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(cancel_seminar_command, Command("cancel_seminar"))
    router.callback_query.register(cancel_ask, AdmCancelCb.filter(F.action == "ask"))
    router.callback_query.register(cancel_confirmed, AdmCancelCb.filter(F.action == "yes"))
    router.callback_query.register(cancel_kept, AdmCancelCb.filter(F.action == "no"))
    return router
