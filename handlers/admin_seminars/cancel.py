"""/cancel_seminar: choose a seminar → confirm; everyone registered is told."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.i18n import Tr
from bot.services.seminar_admin import CancelSeminarOutcome, SeminarAdmin
from handlers.admin_seminars.picking import buttons_pending, pick_seminar, picked
from handlers.alerts import alert
from handlers.filters import NOT_COMMAND, IsAdmin, RowId
from handlers.stale import expired_button, finish_dialog
from storage.repositories import Repositories


class CancelSeminar(StatesGroup):
    pick = State()  # the list of seminars is live
    confirm = State()  # data: the seminar whose «Да, отменить» is live


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
        CancelSeminar.pick,
    )


async def cancel_ask(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    state: FSMContext,
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
    await state.set_state(CancelSeminar.confirm)
    await state.set_data({"seminar_id": seminar.id})
    if isinstance(query.message, Message):
        told = counts.confirmed + counts.waitlist
        key = "admin_seminars.cancel.confirm" if told else "admin_seminars.cancel.confirm_nobody"
        await query.message.answer(
            tr(key, title=seminar.title, when=ctx.when(seminar.starts_at), count=told),
            reply_markup=builder.as_markup(),
        )


async def _drop_buttons(query: CallbackQuery) -> None:
    """An answered confirmation keeps its text but can no longer be pressed."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            return


async def _is_pending(state: FSMContext, seminar_id: int) -> bool:
    """Whether this seminar's confirmation is the organiser's current step."""
    if await state.get_state() != CancelSeminar.confirm.state:
        return False
    return bool((await state.get_data()).get("seminar_id") == seminar_id)


async def cancel_confirmed(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    state: FSMContext,
    tr: Tr,
    seminar_admin: SeminarAdmin,
    callback_answer: CallbackAnswer,
) -> None:
    """«Да» acts only while its confirmation is pending: one answered or left is stale."""
    if not await _is_pending(state, callback_data.seminar_id):
        await expired_button(query, tr, callback_answer, is_admin=True, state=state)
        return
    await finish_dialog(state, query)
    await _drop_buttons(query)
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


async def cancel_kept(
    query: CallbackQuery, callback_data: AdmCancelCb, state: FSMContext, tr: Tr
) -> None:
    if await _is_pending(state, callback_data.seminar_id):
        await state.clear()
    await _drop_buttons(query)
    if isinstance(query.message, Message):
        await query.message.answer(tr("admin_seminars.cancel.kept"))


def create_router() -> Router:
    router = Router(name="admin_seminars.cancel")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(cancel_seminar_command, Command("cancel_seminar"))
    # The list stays live while its dialog is: another seminar may be picked at the question.
    router.callback_query.register(
        cancel_ask, AdmCancelCb.filter(F.action == "ask"), StateFilter(CancelSeminar)
    )
    router.callback_query.register(cancel_confirmed, AdmCancelCb.filter(F.action == "yes"))
    router.callback_query.register(cancel_kept, AdmCancelCb.filter(F.action == "no"))
    router.message.register(buttons_pending, StateFilter(CancelSeminar), NOT_COMMAND)
    return router
