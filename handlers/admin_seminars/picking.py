"""What the organisers' three dialogs share: choosing a seminar, and refusals in their words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.i18n import Html, Tr, join
from bot.services.seminar_admin import Invalid
from handlers.alerts import alert
from storage.models import Seminar
from storage.repositories import Repositories

PICK_LIMIT = 20  # keeps the numbered list under Telegram's 4096 characters


def understood(ctx: RenderContext, moment: datetime) -> Html:
    """How a typed date was read, with the year and the zone, so a slip shows at once."""
    return ctx.tr("admin_seminars.understood", when=ctx.when(moment), zone=ctx.zone(moment))


def error_text(tr: Tr, invalid: Invalid) -> Html:
    return tr(f"admin_seminars.errors.{invalid.reason}", **invalid.params)


async def not_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("admin_seminars.errors.not_text"))


async def buttons_pending(message: Message, tr: Tr) -> None:
    """Anything sent while the dialog's buttons wait: they are the way on, /cancel the way out."""
    await message.answer(tr("admin_seminars.pick.pending"))


async def pick_seminar(
    message: Message,
    state: FSMContext,
    ctx: RenderContext,
    repos: Repositories,
    text_key: str,
    button_data: Callable[[Seminar], CallbackData],
    picking: State,
) -> None:
    """A picker command's answer: any dialog left, the upcoming seminars numbered, a button
    each. The list is the dialog's first step (`picking`): once the dialog is finished or
    cancelled, its buttons are out of date."""
    await state.clear()
    tr = ctx.tr
    seminars = await repos.seminars.upcoming(ctx.now, limit=PICK_LIMIT)
    if not seminars:
        await message.answer(tr("admin_seminars.pick.none"))
        return
    await state.set_state(picking)
    lines = join(
        "\n",
        (
            tr(
                "admin_seminars.pick.line",
                number=number,
                title=seminar.title,
                when=ctx.when(seminar.starts_at),
            )
            for number, seminar in enumerate(seminars, start=1)
        ),
    )
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        builder.button(text=seminar.title, callback_data=button_data(seminar))
    builder.adjust(1)
    await message.answer(tr(text_key, lines=lines), reply_markup=builder.as_markup())


async def picked(
    repos: Repositories, seminar_id: int, ctx: RenderContext, callback_answer: CallbackAnswer
) -> Seminar | None:
    """The seminar a picker's button names, if it can still be changed (not cancelled, not
    started); else None, and the pop-up says it is gone."""
    seminar = await repos.seminars.get(seminar_id)
    if seminar is None or seminar.is_cancelled or seminar.starts_at <= ctx.now:
        alert(callback_answer, ctx.tr("admin_seminars.pick.seminar_gone"))
        return None
    return seminar
