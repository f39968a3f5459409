"""/new_seminar: title → description → start → place → format (→ meeting link) → capacity →
preview → Publish. The capacity may come right after the place (in person); the preview's
buttons can still change the format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.i18n import Html, Tr, join
from bot.services.seminar_admin import (
    DEFAULT_DURATION_MINUTES,
    Invalid,
    SeminarAdmin,
    SeminarDraft,
    SeminarField,
    parse_capacity,
    parse_field,
    parse_format,
    parse_meeting_link,
    place_sounds_online,
)
from handlers.admin_seminars.picking import error_text, not_text, understood
from handlers.filters import NOT_COMMAND, NOT_TYPED, TYPED, IsAdmin, typed_text
from handlers.programmes import seminar_programme_keyboard
from handlers.seminar_views import render_seminar_card
from handlers.stale import finish_dialog
from storage.models import Seminar, SeminarFormat, SeminarStatus, User


class NewSeminar(StatesGroup):
    title = State()
    description = State()
    starts_at = State()
    place = State()
    format = State()
    meeting_link = State()
    capacity = State()
    preview = State()


class AdmNewCb(CallbackData, prefix="adm_new"):
    action: str  # publish | discard


class AdmFormatCb(CallbackData, prefix="adm_fmt"):
    format: SeminarFormat


@dataclass(frozen=True, slots=True)
class _Step:
    """One question of /new_seminar: which field the answer fills and what to ask next."""

    field: SeminarField
    next_state: State
    next_prompt: str | None  # None: the preview comes next


_STEPS: dict[str | None, _Step] = {
    NewSeminar.title.state: _Step(
        SeminarField.TITLE, NewSeminar.description, "admin_seminars.new.ask_description"
    ),
    NewSeminar.description.state: _Step(
        SeminarField.DESCRIPTION, NewSeminar.starts_at, "admin_seminars.new.ask_start"
    ),
    NewSeminar.starts_at.state: _Step(
        SeminarField.STARTS_AT, NewSeminar.place, "admin_seminars.new.ask_place"
    ),
    NewSeminar.place.state: _Step(
        SeminarField.PLACE, NewSeminar.format, "admin_seminars.new.ask_format"
    ),
    NewSeminar.meeting_link.state: _Step(
        SeminarField.MEETING_LINK, NewSeminar.capacity, "admin_seminars.new.ask_capacity"
    ),
    NewSeminar.capacity.state: _Step(SeminarField.CAPACITY, NewSeminar.preview, None),
}


def _draft(data: dict[str, Any]) -> SeminarDraft:
    return SeminarDraft(
        title=data["title"],
        description=data["description"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        place=data["place"],
        capacity=int(data["capacity"]),
        format=SeminarFormat(data.get("format", SeminarFormat.IN_PERSON)),
        meeting_link=data.get("meeting_link"),
    )


def _preview_keyboard(tr: Tr, current: SeminarFormat) -> InlineKeyboardMarkup:
    """Publish and Cancel, then the other formats: the format can still be changed here."""
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("admin_seminars.new.publish"), callback_data=AdmNewCb(action="publish"))
    builder.button(text=tr("admin_seminars.new.discard"), callback_data=AdmNewCb(action="discard"))
    formats = InlineKeyboardBuilder()
    for seminar_format in SeminarFormat:
        if seminar_format is not current:
            formats.button(
                text=tr(f"formats.{seminar_format.value}"),
                callback_data=AdmFormatCb(format=seminar_format),
            )
    builder.attach(formats)
    return builder.as_markup()


def _preview(draft: SeminarDraft, ctx: RenderContext) -> Html:
    seminar = Seminar(
        id=0,
        title=draft.title,
        description=draft.description,
        starts_at=draft.starts_at,
        duration_minutes=DEFAULT_DURATION_MINUTES,
        place=draft.place,
        capacity=draft.capacity,
        status=SeminarStatus.PUBLISHED,
        created_by=None,
        created_at=ctx.now,
        format=draft.format,
    )
    card = render_seminar_card(
        seminar,
        ctx.tr,
        ctx.tz,
        seats_left=draft.capacity,
        now=ctx.now,
        free=ctx.free_of_charge,
    )
    parts = [understood(ctx, draft.starts_at), card]
    if draft.format.has_meeting_link and draft.meeting_link:
        parts.append(ctx.tr("admin_seminars.new.preview_link", link=draft.meeting_link))
    elif draft.format is SeminarFormat.IN_PERSON and place_sounds_online(draft.place):
        parts.append(ctx.tr("admin_seminars.new.preview_online_place"))
    preview = ctx.tr("admin_seminars.new.preview")
    return join("\n", [preview, join("\n\n", parts)])


async def _send_preview(
    message: Message, data: dict[str, Any], state: FSMContext, ctx: RenderContext
) -> None:
    # One message: whoever reads the reply to the last step finds the Publish button on it.
    await state.set_state(NewSeminar.preview)
    draft = _draft(data)
    await message.answer(_preview(draft, ctx), reply_markup=_preview_keyboard(ctx.tr, draft.format))


async def new_seminar(message: Message, state: FSMContext, tr: Tr) -> None:
    await state.clear()
    await state.set_state(NewSeminar.title)
    await message.answer(tr("admin_seminars.new.ask_title"))


async def new_seminar_step(message: Message, state: FSMContext, ctx: RenderContext) -> None:
    step = _STEPS[await state.get_state()]
    value = parse_field(step.field, typed_text(message), ctx.tz, ctx.now)
    if isinstance(value, Invalid):
        await message.answer(error_text(ctx.tr, value))
        return
    stored = value.isoformat() if isinstance(value, datetime) else value
    data = await state.update_data({step.field.value: stored})
    # A link sent after switching the format on the preview leads back to the preview.
    if step.next_prompt is None or "capacity" in data:
        await _send_preview(message, data, state, ctx)
        return
    await state.set_state(step.next_state)
    prompt = ctx.tr(step.next_prompt, zone=ctx.zone())
    if isinstance(value, datetime):
        prompt = join("\n\n", [understood(ctx, value), prompt])
    await message.answer(prompt)


async def _format_chosen(
    message: Message, seminar_format: SeminarFormat, state: FSMContext, ctx: RenderContext
) -> None:
    """Ask for the link when the format needs one; then the capacity, or back to the preview."""
    data = await state.update_data({"format": seminar_format.value})
    if seminar_format.has_meeting_link and not data.get("meeting_link"):
        await state.set_state(NewSeminar.meeting_link)
        await message.answer(ctx.tr("admin_seminars.new.ask_link"))
    elif "capacity" in data:
        await _send_preview(message, data, state, ctx)
    else:
        await state.set_state(NewSeminar.capacity)
        await message.answer(ctx.tr("admin_seminars.new.ask_capacity"))


async def format_button(
    query: CallbackQuery, callback_data: AdmFormatCb, state: FSMContext, ctx: RenderContext
) -> None:
    """A format button on the preview."""
    if isinstance(query.message, Message):
        await _format_chosen(query.message, callback_data.format, state, ctx)


async def format_text(message: Message, state: FSMContext, ctx: RenderContext) -> None:
    """The step after the place, in words (no buttons, so a script typing every answer
    ahead finds the preview's buttons first); or the capacity right away: in person."""
    text = typed_text(message)
    seminar_format = parse_format(text)
    if not isinstance(seminar_format, Invalid):
        await _format_chosen(message, seminar_format, state, ctx)
        return
    link = parse_meeting_link(text)
    if not isinstance(link, Invalid):
        # A pasted meeting link answers the question: the seminar is online.
        await state.update_data({"meeting_link": link})
        await _format_chosen(message, SeminarFormat.ONLINE, state, ctx)
        return
    capacity = parse_capacity(text)
    if isinstance(capacity, Invalid):
        await message.answer(error_text(ctx.tr, Invalid("format_unknown", capacity.params)))
        return
    data = await state.update_data({"format": SeminarFormat.IN_PERSON.value, "capacity": capacity})
    await _send_preview(message, data, state, ctx)


async def preview_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("admin_seminars.new.use_buttons"))


async def publish(
    query: CallbackQuery,
    state: FSMContext,
    tr: Tr,
    user: User,
    bot: Bot,
    seminar_admin: SeminarAdmin,
) -> None:
    data = await state.get_data()
    await finish_dialog(state, query)
    result = await seminar_admin.create(_draft(data), user.id)
    if not isinstance(query.message, Message):
        return
    if isinstance(result, Invalid):
        await query.message.answer(error_text(tr, result))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=seminar_{result.id}"
    await query.message.answer(
        tr("admin_seminars.new.published", link=link),
        reply_markup=seminar_programme_keyboard(tr, result.id),
    )


async def discard(query: CallbackQuery, state: FSMContext, tr: Tr) -> None:
    await finish_dialog(state, query)
    if isinstance(query.message, Message):
        await query.message.answer(tr("admin_seminars.new.discarded"))


def create_router() -> Router:
    router = Router(name="admin_seminars.new")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(new_seminar, Command("new_seminar"))
    router.message.register(
        new_seminar_step,
        StateFilter(*(state for state in _STEPS if state is not None)),
        TYPED,
        NOT_COMMAND,
    )
    router.message.register(format_text, StateFilter(NewSeminar.format), TYPED, NOT_COMMAND)
    router.callback_query.register(
        format_button, AdmFormatCb.filter(), StateFilter(NewSeminar.preview)
    )
    router.message.register(preview_text, StateFilter(NewSeminar.preview), TYPED, NOT_COMMAND)
    router.callback_query.register(
        publish, AdmNewCb.filter(F.action == "publish"), StateFilter(NewSeminar.preview)
    )
    router.callback_query.register(
        discard, AdmNewCb.filter(F.action == "discard"), StateFilter(NewSeminar.preview)
    )
    router.message.register(not_text, StateFilter(NewSeminar), NOT_TYPED)
    return router
