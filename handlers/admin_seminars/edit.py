"""/edit_seminar: choose a seminar → a field → type the new value."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.services.seminar_admin import (
    ANNOUNCED_FIELDS,
    ChangeOutcome,
    Invalid,
    SeminarAdmin,
    SeminarField,
    parse_field,
)
from handlers.admin_seminars.picking import (
    buttons_pending,
    error_text,
    not_text,
    pick_seminar,
    picked,
    understood,
)
from handlers.filters import NOT_COMMAND, NOT_TYPED, TYPED, IsAdmin, RowId, typed_text
from handlers.programmes import seminar_programme_keyboard
from storage.repositories import Repositories


class EditSeminar(StatesGroup):
    pick = State()  # the list of seminars (then a seminar's fields) is live
    value = State()


class AdmEditCb(CallbackData, prefix="adm_edit"):
    seminar_id: RowId
    field: SeminarField | None = None  # None: the admin is about to choose a field


def _input_time(moment: datetime, tz: tzinfo) -> str:
    """A time as the admin types it, so it can be copied and corrected."""
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"


async def edit_seminar(
    message: Message, state: FSMContext, ctx: RenderContext, repos: Repositories
) -> None:
    await pick_seminar(
        message,
        state,
        ctx,
        repos,
        "admin_seminars.edit.choose_seminar",
        lambda seminar: AdmEditCb(seminar_id=seminar.id),
        EditSeminar.pick,
    )


async def edit_choose_field(
    query: CallbackQuery,
    callback_data: AdmEditCb,
    ctx: RenderContext,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await picked(repos, callback_data.seminar_id, ctx, callback_answer)
    if seminar is None:
        return
    builder = InlineKeyboardBuilder()
    for which in SeminarField:
        builder.button(
            text=tr(f"admin_seminars.edit.fields.{which.value}"),
            callback_data=AdmEditCb(seminar_id=seminar.id, field=which),
        )
    builder.attach(InlineKeyboardBuilder.from_markup(seminar_programme_keyboard(tr, seminar.id)))
    builder.adjust(2)
    if isinstance(query.message, Message):
        await query.message.answer(
            tr("admin_seminars.edit.choose_field", title=seminar.title),
            reply_markup=builder.as_markup(),
        )


async def edit_ask_value(
    query: CallbackQuery,
    callback_data: AdmEditCb,
    state: FSMContext,
    ctx: RenderContext,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    which = callback_data.field  # never None here: the router's filter says so
    seminar = await picked(repos, callback_data.seminar_id, ctx, callback_answer)
    if seminar is None or which is None:
        return
    await state.set_state(EditSeminar.value)
    await state.set_data({"seminar_id": seminar.id, "field": which.value})
    current: object = getattr(seminar, which.value)
    if which is SeminarField.STARTS_AT:
        current = _input_time(seminar.starts_at, ctx.tz)
    elif which is SeminarField.DESCRIPTION and not seminar.description:
        current = tr("admin_seminars.edit.no_description")
    elif which is SeminarField.FORMAT:
        current = tr(f"formats.{seminar.format.value}")
    elif which is SeminarField.MEETING_LINK and not seminar.meeting_link:
        current = tr("admin_seminars.edit.no_link")
    confirmed = 0
    if which is SeminarField.CAPACITY:
        confirmed = (await repos.registrations.counts(seminar.id)).confirmed
    if isinstance(query.message, Message):
        await query.message.answer(
            tr(
                f"admin_seminars.edit.ask.{which.value}",
                current=current,
                zone=ctx.zone(),
                confirmed=confirmed,
            )
        )


async def edit_value(
    message: Message, state: FSMContext, ctx: RenderContext, seminar_admin: SeminarAdmin
) -> None:
    tr = ctx.tr
    data = await state.get_data()
    which = SeminarField(data["field"])
    value = parse_field(which, typed_text(message), ctx.tz, ctx.now)
    if isinstance(value, Invalid):
        await message.answer(error_text(tr, value))
        return
    result = await seminar_admin.change(int(data["seminar_id"]), which, value)
    if result.outcome is ChangeOutcome.CAPACITY_BELOW_CONFIRMED:
        await message.answer(
            tr("admin_seminars.errors.capacity_below_confirmed", count=result.confirmed)
        )
        return
    await state.clear()
    if result.outcome is ChangeOutcome.UNCHANGED:
        await message.answer(tr("admin_seminars.edit.unchanged"))
        return
    if result.outcome is not ChangeOutcome.CHANGED or result.after is None:
        await message.answer(tr("admin_seminars.pick.seminar_gone"))
        return
    lines: list[str] = [
        tr(
            "admin_seminars.edit.changed",
            field=tr(f"admin_seminars.edit.fields.{which.value}"),
            title=result.after.title,
        )
    ]
    if which is SeminarField.STARTS_AT:
        lines.append(understood(ctx, result.after.starts_at))
    if result.promotions:
        lines.append(tr("admin_seminars.edit.promoted", count=len(result.promotions)))
    if result.after.format.has_meeting_link and not result.after.meeting_link:
        lines.append(tr("admin_seminars.edit.link_missing"))
    if which in ANNOUNCED_FIELDS and result.audience:
        lines.append(tr("admin_seminars.edit.notifying", count=len(result.audience)))
    await message.answer("\n\n".join(lines))


def create_router() -> Router:
    router = Router(name="admin_seminars.edit")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(edit_seminar, Command("edit_seminar"))
    # The list of seminars is live while its dialog is; a seminar's fields stay live.
    router.callback_query.register(
        edit_choose_field, AdmEditCb.filter(F.field.is_(None)), StateFilter(EditSeminar)
    )
    router.callback_query.register(edit_ask_value, AdmEditCb.filter(F.field.is_not(None)))
    router.message.register(edit_value, StateFilter(EditSeminar.value), TYPED, NOT_COMMAND)
    router.message.register(not_text, StateFilter(EditSeminar.value), NOT_TYPED)
    router.message.register(buttons_pending, StateFilter(EditSeminar.pick), NOT_COMMAND)
    return router
