"""/programmes (admins): create, rename, set N, attach and detach seminars, progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import format_datetime, shorten, zone_phrase
from bot.i18n import Html, Tr
from bot.services.programmes import clean_title, parse_required
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import NOT_COMMAND, PRIVATE_CHAT, TYPED, IsAdmin, RowId, typed_text

if TYPE_CHECKING:
    from bot.services.programmes import ProgrammeCard, ProgrammeService

SEMINAR_BUTTONS = 20
PROGRESS_SHOWN = 30
TITLE_LIMIT = 80


class ProgCb(CallbackData, prefix="adm_prg"):
    # new | card | rename | required | add | remove | attach | detach
    action: str
    programme_id: RowId = 0
    seminar_id: RowId = 0


class SeminarProgrammeCb(CallbackData, prefix="adm_semprg"):
    """A seminar's programme: without `programme_id` the choice, with it (0: none) the set."""

    seminar_id: RowId
    programme_id: RowId | None = None


def seminar_programme_keyboard(tr: Tr, seminar_id: int) -> InlineKeyboardMarkup:
    """The button /new_seminar and /edit_seminar show to put a seminar in a programme."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("programmes.seminar_button"),
        callback_data=SeminarProgrammeCb(seminar_id=seminar_id),
    )
    return builder.as_markup()


class ProgrammeStates(StatesGroup):
    title = State()
    required = State()
    rename = State()
    set_required = State()


def _list_keyboard(card_titles: list[tuple[int, str]], tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme_id, title in card_titles:
        builder.button(text=title, callback_data=ProgCb(action="card", programme_id=programme_id))
    builder.button(text=tr("programmes.new_button"), callback_data=ProgCb(action="new"))
    builder.adjust(1)
    return builder.as_markup()


async def programmes_command(
    message: Message, programmes: ProgrammeService, state: FSMContext, tr: Tr
) -> None:
    await state.clear()
    items = [(p.id, p.title) for p in await programmes.all()]
    text = tr("programmes.list") if items else tr("programmes.empty")
    await message.answer(text, reply_markup=_list_keyboard(items, tr))


def render_card(card: ProgrammeCard, tr: Tr, settings: Settings) -> str:
    programme = card.programme
    lines: list[str] = [
        tr(
            "programmes.card",
            title=shorten(programme.title, TITLE_LIMIT),
            required=programme.required,
            seminars=tr("programmes.seminars_count", count=len(card.seminars)),
        )
    ]
    for seminar in card.seminars:
        when = format_datetime(seminar.starts_at, settings.timezone, tr)
        lines.append(tr("programmes.seminar_line", when=when, title=seminar.title))
    if card.seminars:
        lines.append(tr("programmes.zone", zone=zone_phrase(settings.timezone, tr)))
    if card.progress:
        lines += ["", tr("programmes.progress", completed=card.completed, count=len(card.progress))]
        for entry in card.progress[:PROGRESS_SHOWN]:
            lines.append(
                tr(
                    "programmes.progress_line",
                    name=entry.full_name,
                    attended=entry.attended,
                    total=len(card.seminars),
                    mark=Html("✅ " if entry.attended >= programme.required else ""),
                )
            )
    return "\n".join(lines)


def _card_keyboard(programme_id: int, tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in ("rename", "required", "add", "remove"):
        builder.button(
            text=tr(f"programmes.buttons.{action}"),
            callback_data=ProgCb(action=action, programme_id=programme_id),
        )
    builder.adjust(2)
    return builder.as_markup()


async def _send_card(
    message: Message, programmes: ProgrammeService, programme_id: int, tr: Tr, settings: Settings
) -> bool:
    card = await programmes.card(programme_id)
    if card is None:
        return False
    await message.answer(
        render_card(card, tr, settings), reply_markup=_card_keyboard(programme_id, tr)
    )
    return True


async def _card_after(
    message: Message,
    programmes: ProgrammeService,
    programme_id: int,
    changed: bool,
    tr: Tr,
    settings: Settings,
) -> None:
    """The card after a change, or «not found» when the programme is gone."""
    if not changed:
        await message.answer(tr("programmes.not_found"))
        return
    await _send_card(message, programmes, programme_id, tr, settings)


async def on_button(
    query: CallbackQuery,
    callback_data: ProgCb,
    programmes: ProgrammeService,
    state: FSMContext,
    settings: Settings,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    action, programme_id = callback_data.action, callback_data.programme_id
    if action == "new":
        await state.set_state(ProgrammeStates.title)
        await message.answer(tr("programmes.ask_title"))
        return
    card = await programmes.card(programme_id)
    if card is None:
        alert(callback_answer, tr("programmes.not_found"))
        return
    if action == "card":
        await _send_card(message, programmes, programme_id, tr, settings)
    elif action in ("rename", "required"):
        await state.set_state(
            ProgrammeStates.rename if action == "rename" else ProgrammeStates.set_required
        )
        await state.set_data({"programme_id": programme_id})
        key = "programmes.ask_title" if action == "rename" else "programmes.ask_required"
        await message.answer(tr(key))
    elif action in ("add", "remove"):
        seminars = (
            await programmes.attachable(programme_id, SEMINAR_BUTTONS)
            if action == "add"
            else card.seminars
        )
        if not seminars:
            alert(callback_answer, tr(f"programmes.nothing_to_{action}"))
            return
        builder = InlineKeyboardBuilder()
        step = "attach" if action == "add" else "detach"
        for seminar in seminars:
            when = format_datetime(seminar.starts_at, settings.timezone, tr)
            builder.button(
                text=f"{when} · {seminar.title}",
                callback_data=ProgCb(action=step, programme_id=programme_id, seminar_id=seminar.id),
            )
        builder.adjust(1)
        await message.answer(tr(f"programmes.choose_{action}"), reply_markup=builder.as_markup())
    elif action in ("attach", "detach"):
        change = programmes.attach if action == "attach" else programmes.detach
        if not await change(programme_id, callback_data.seminar_id):
            alert(callback_answer, tr("programmes.not_found"))
            return
        await _send_card(message, programmes, programme_id, tr, settings)


async def on_title(
    message: Message,
    programmes: ProgrammeService,
    state: FSMContext,
    settings: Settings,
    tr: Tr,
) -> None:
    title = clean_title(typed_text(message))
    if title is None:
        await message.answer(tr("programmes.bad_title"))
        return
    if await state.get_state() == ProgrammeStates.rename.state:
        programme_id = int((await state.get_data()).get("programme_id", 0))
        await state.clear()
        changed = await programmes.rename(programme_id, title)
        await _card_after(message, programmes, programme_id, changed, tr, settings)
        return
    await state.set_state(ProgrammeStates.required)
    await state.set_data({"title": title})
    await message.answer(tr("programmes.ask_required"))


async def on_required(
    message: Message,
    programmes: ProgrammeService,
    state: FSMContext,
    settings: Settings,
    tr: Tr,
) -> None:
    required = parse_required(typed_text(message))
    if required is None:
        await message.answer(tr("programmes.bad_required"))
        return
    data = await state.get_data()
    await state.clear()
    if "title" in data:
        programme = await programmes.create(str(data["title"]), required)
        await _send_card(message, programmes, programme.id, tr, settings)
        return
    programme_id = int(data.get("programme_id", 0))
    changed = await programmes.set_required(programme_id, required)
    await _card_after(message, programmes, programme_id, changed, tr, settings)


async def seminar_programme(
    query: CallbackQuery,
    callback_data: SeminarProgrammeCb,
    programmes: ProgrammeService,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    seminar_id, chosen = callback_data.seminar_id, callback_data.programme_id
    if chosen is None:
        builder = InlineKeyboardBuilder()
        for programme in await programmes.all():
            builder.button(
                text=programme.title,
                callback_data=SeminarProgrammeCb(seminar_id=seminar_id, programme_id=programme.id),
            )
        builder.button(
            text=tr("programmes.no_programme"),
            callback_data=SeminarProgrammeCb(seminar_id=seminar_id, programme_id=0),
        )
        builder.adjust(1)
        await message.answer(tr("programmes.choose_for_seminar"), reply_markup=builder.as_markup())
        return
    placed = await programmes.place(seminar_id, chosen or None)
    if placed is None:
        alert(callback_answer, tr("programmes.not_found"))
        return
    seminar, placed_in = placed
    if placed_in is None:
        await message.answer(tr("programmes.seminar_left", title=seminar.title))
        return
    await message.answer(
        tr("programmes.seminar_placed", title=seminar.title, programme=placed_in.title)
    )


def create_router() -> Router:
    """Behind IsAdmin, beside the guard that refuses non-admins."""
    router = Router(name="programmes")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(programmes_command, Command("programmes"))
    router.callback_query.register(on_button, ProgCb.filter(F.action.in_(ACTIONS)))
    router.callback_query.register(seminar_programme, SeminarProgrammeCb.filter())
    text_step = (PRIVATE_CHAT, TYPED, NOT_COMMAND)
    router.message.register(
        on_title, StateFilter(ProgrammeStates.title, ProgrammeStates.rename), *text_step
    )
    router.message.register(
        on_required,
        StateFilter(ProgrammeStates.required, ProgrammeStates.set_required),
        *text_step,
    )
    return router


ACTIONS = frozenset({"new", "card", "rename", "required", "add", "remove", "attach", "detach"})
