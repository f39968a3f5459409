"""The door: scanning tickets (`/start t_…`), the door QR (`/start d_…`) and `/checkin`.

`/checkin` and its buttons are for admins and door volunteers (CHECKIN_IDS); anyone
else who opens a ticket's link is told it is a participant's ticket and sees nothing
more. Callback data starts with `chk`, not `adm`, so the admin guard lets volunteers
through.
"""

from __future__ import annotations

import logging
import math
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext, shorten
from bot.i18n import Html, Tr, escape, join
from bot.services.checkin import (
    CheckinService,
    DoorOutcome,
    ScanOutcome,
    ScanResult,
    ToggleOutcome,
    door_opens_at,
    search_roster,
)
from bot.services.deep_links import DOOR_PREFIX, TICKET_PREFIX, start_link, token_from
from bot.services.qr import qr_png
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import NOT_COMMAND, TYPED, CanCheckIn, RowId, typed_text
from storage.models import Seminar, User
from storage.repositories import Repositories
from storage.repositories.attendance import RosterEntry

log = logging.getLogger(__name__)

PICK_LIMIT = 20
PAGE_SIZE = 10
FOUND_LIMIT = 10
NAME_LIMIT = 40


class CheckinCb(CallbackData, prefix="chk"):
    action: str  # seminar | door | list | page | toggle
    seminar_id: RowId
    registration_id: RowId = 0
    page: int = 0  # -1: the list is a search result


class CheckinSearch(StatesGroup):
    query = State()


def _who(tr: Tr, entry: RosterEntry) -> Html:
    if entry.organisation:
        return tr(
            "checkin.scan.who_with_org", name=entry.full_name, organisation=entry.organisation
        )
    return escape(entry.full_name)


def render_scan(ctx: RenderContext, result: ScanResult) -> str:
    tr = ctx.tr
    seminar, entry = result.seminar, result.entry
    if result.outcome is ScanOutcome.UNKNOWN or seminar is None or entry is None:
        return tr("checkin.scan.unknown")
    title, when = seminar.title, ctx.when(seminar.starts_at)
    match result.outcome:
        case ScanOutcome.MARKED:
            return tr("checkin.scan.marked", who=_who(tr, entry), title=title)
        case ScanOutcome.ALREADY:
            marked_at = result.attendance.marked_at if result.attendance else seminar.starts_at
            at = ctx.when(marked_at)
            return tr("checkin.scan.already", at=at, who=_who(tr, entry), title=title)
        case ScanOutcome.REGISTRATION_CANCELLED:
            return tr("checkin.scan.registration_cancelled", who=_who(tr, entry), title=title)
        case ScanOutcome.SEMINAR_CANCELLED:
            return tr("checkin.scan.seminar_cancelled", title=title)
        case ScanOutcome.TOO_EARLY:
            opens = ctx.when(door_opens_at(seminar))
            return tr("checkin.scan.too_early", title=title, when=when, opens=opens)
    return tr("checkin.scan.over", title=title, when=when)


async def open_ticket(
    message: Message,
    command: CommandObject,
    user: User,
    ctx: RenderContext,
    settings: Settings,
    checkin: CheckinService,
) -> None:
    """A ticket's deep link. It marks the ticket's owner, whoever forwarded or opened it.

    Any dialog stays as it was: a volunteer searching the list goes on after a scan.
    """
    if not settings.can_check_in(user.id):
        await message.answer(ctx.tr("tickets.not_staff"))
        return
    token = token_from(command.args or "", TICKET_PREFIX)
    if token is None:
        await message.answer(ctx.tr("checkin.scan.unknown"))
        return
    await message.answer(render_scan(ctx, await checkin.scan(token, user.id)))


async def open_door(
    message: Message,
    command: CommandObject,
    user: User,
    ctx: RenderContext,
    checkin: CheckinService,
) -> None:
    """The door QR's deep link: self check-in for a seat holder; organisers hear of walk-ins."""
    token = token_from(command.args or "", DOOR_PREFIX)
    result = await checkin.door(token, user.id) if token else None
    seminar = result.seminar if result else None
    if result is None or seminar is None:
        await message.answer(ctx.tr("checkin.door.unknown"))
        return
    key = f"checkin.door.{result.outcome.value}"
    if result.outcome is DoorOutcome.TOO_EARLY:
        opens = ctx.when(door_opens_at(seminar))
        await message.answer(ctx.tr(key, title=seminar.title, opens=opens))
        return
    await message.answer(ctx.tr(key, title=seminar.title))


def _seminar_lines(ctx: RenderContext, seminars: list[Seminar]) -> Html:
    return join(
        "\n",
        (
            ctx.tr("checkin.line", number=number, title=s.title, when=ctx.when(s.starts_at))
            for number, s in enumerate(seminars, start=1)
        ),
    )


async def checkin_command(
    message: Message, ctx: RenderContext, state: FSMContext, checkin: CheckinService
) -> None:
    await state.clear()
    seminars = await checkin.seminars(PICK_LIMIT)
    if not seminars:
        await message.answer(ctx.tr("checkin.none"))
        return
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        builder.button(
            text=seminar.title, callback_data=CheckinCb(action="seminar", seminar_id=seminar.id)
        )
    builder.adjust(1)
    await message.answer(
        ctx.tr("checkin.choose", lines=_seminar_lines(ctx, seminars)),
        reply_markup=builder.as_markup(),
    )


async def _live_seminar(
    repos: Repositories, seminar_id: int, tr: Tr, callback_answer: CallbackAnswer
) -> Seminar | None:
    seminar = await repos.seminars.get(seminar_id)
    if seminar is None or seminar.is_cancelled:
        alert(callback_answer, tr("checkin.seminar_gone"))
        return None
    return seminar


async def seminar_menu(
    query: CallbackQuery,
    callback_data: CheckinCb,
    ctx: RenderContext,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await _live_seminar(repos, callback_data.seminar_id, tr, callback_answer)
    if seminar is None or not isinstance(query.message, Message):
        return
    counts = await repos.attendance.counts(seminar.id)
    builder = InlineKeyboardBuilder()
    if seminar.format.has_door:
        builder.button(
            text=tr("checkin.door_button"),
            callback_data=CheckinCb(action="door", seminar_id=seminar.id),
        )
    builder.button(
        text=tr("checkin.list_button"),
        callback_data=CheckinCb(action="list", seminar_id=seminar.id),
    )
    await query.message.answer(
        tr(
            "checkin.menu",
            title=seminar.title,
            when=ctx.when(seminar.starts_at),
            attended=tr("checkin.attended", attended=counts.attended, count=counts.seats),
            in_person=counts.in_person,
            online=counts.online,
        ),
        reply_markup=builder.as_markup(),
    )


async def door_qr(
    query: CallbackQuery,
    callback_data: CheckinCb,
    bot: Bot,
    ctx: RenderContext,
    checkin: CheckinService,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await _live_seminar(repos, callback_data.seminar_id, tr, callback_answer)
    if seminar is None or not isinstance(query.message, Message):
        return
    if not seminar.format.has_door:
        alert(callback_answer, tr("checkin.no_door"))
        return
    token = await checkin.door_token(seminar.id)
    me = await bot.me()
    link = start_link(me.username or "", f"{DOOR_PREFIX}{token}")
    await query.message.answer_photo(
        BufferedInputFile(qr_png(link), filename=f"door-{seminar.id}.png"),
        caption=tr(
            "checkin.door_caption",
            title=seminar.title,
            opens=ctx.when(door_opens_at(seminar)),
            ends=ctx.when(seminar.ends_at),
        ),
    )


def _roster_button(builder: InlineKeyboardBuilder, entry: RosterEntry, page: int) -> None:
    mark = "✅" if entry.is_marked else "⬜"
    code = f" · {entry.code}" if entry.code else ""
    builder.button(
        text=f"{mark} {shorten(entry.full_name, NAME_LIMIT)}{code}",
        callback_data=CheckinCb(
            action="toggle",
            seminar_id=entry.seminar_id,
            registration_id=entry.registration_id,
            page=page,
        ),
    )


async def _render_list(
    repos: Repositories, tr: Tr, seminar: Seminar, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    roster = await repos.attendance.roster(seminar.id)
    if not roster:
        return tr("checkin.list.empty", title=seminar.title), None
    pages = math.ceil(len(roster) / PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    marked = sum(entry.is_marked for entry in roster)
    parts = [
        tr(
            "checkin.list.title",
            title=seminar.title,
            attended=tr("checkin.attended", attended=marked, count=len(roster)),
        )
    ]
    builder = InlineKeyboardBuilder()
    for entry in roster[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        _roster_button(builder, entry, page)
    builder.adjust(1)
    if pages > 1:
        parts.append(tr("checkin.list.page", page=page + 1, pages=pages))
        nav = InlineKeyboardBuilder()
        if page > 0:
            nav.button(
                text=tr("checkin.list.prev"),
                callback_data=CheckinCb(action="page", seminar_id=seminar.id, page=page - 1),
            )
        if page < pages - 1:
            nav.button(
                text=tr("checkin.list.next"),
                callback_data=CheckinCb(action="page", seminar_id=seminar.id, page=page + 1),
            )
        builder.attach(nav)
    return "\n\n".join(parts), builder.as_markup()


async def _render_found(
    repos: Repositories, tr: Tr, seminar: Seminar, text: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    found = search_roster(await repos.attendance.roster(seminar.id), text)
    if not found:
        return tr("checkin.list.not_found", query=shorten(text.strip(), NAME_LIMIT)), None
    builder = InlineKeyboardBuilder()
    for entry in found[:FOUND_LIMIT]:
        _roster_button(builder, entry, -1)
    builder.adjust(1)
    return tr("checkin.list.found", query=shorten(text.strip(), NAME_LIMIT)), builder.as_markup()


async def show_list(
    query: CallbackQuery,
    callback_data: CheckinCb,
    tr: Tr,
    repos: Repositories,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """`List` sends the first page; the page buttons turn the page in place."""
    seminar = await _live_seminar(repos, callback_data.seminar_id, tr, callback_answer)
    if seminar is None or not isinstance(query.message, Message):
        return
    await state.set_state(CheckinSearch.query)
    await state.set_data({"seminar_id": seminar.id})
    text, markup = await _render_list(repos, tr, seminar, callback_data.page)
    if callback_data.action == "page" and query.message.text is not None:
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)
        return
    await query.message.answer(text, reply_markup=markup)


async def search(message: Message, tr: Tr, repos: Repositories, state: FSMContext) -> None:
    data = await state.get_data()
    seminar = await repos.seminars.get(int(data.get("seminar_id", 0)))
    if seminar is None or seminar.is_cancelled:
        await state.clear()
        await message.answer(tr("checkin.seminar_gone"))
        return
    await state.update_data({"query": typed_text(message)})
    text, markup = await _render_found(repos, tr, seminar, typed_text(message))
    await message.answer(text, reply_markup=markup)


async def toggle(
    query: CallbackQuery,
    callback_data: CheckinCb,
    ctx: RenderContext,
    state: FSMContext,
    checkin: CheckinService,
    repos: Repositories,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    result = await checkin.toggle(
        callback_data.seminar_id, callback_data.registration_id, query.from_user.id
    )
    if result.outcome is ToggleOutcome.STALE or result.entry is None:
        alert(callback_answer, tr("checkin.list.stale"))
        return
    seminar = await repos.seminars.get(callback_data.seminar_id)
    if seminar is None:
        return
    if result.outcome is ToggleOutcome.TOO_EARLY:
        opens = ctx.when(door_opens_at(seminar))
        alert(callback_answer, tr("checkin.list.too_early", opens=opens))
        return
    # A pop-up is plain text, never parsed: the name goes in unescaped.
    name = Html(result.entry.full_name)
    callback_answer.text = tr(f"checkin.list.{result.outcome.value}", name=name)
    if callback_data.page < 0:
        typed = str((await state.get_data()).get("query", ""))
        text, markup = await _render_found(repos, tr, seminar, typed or result.entry.full_name)
    else:
        text, markup = await _render_list(repos, tr, seminar, callback_data.page)
    if isinstance(query.message, Message) and query.message.text is not None:
        # An unchanged or old message cannot be edited; the pop-up already said what happened.
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


async def refuse_command(message: Message, tr: Tr) -> None:
    await message.answer(tr("checkin.not_staff"))


async def refuse_button(query: CallbackQuery, tr: Tr, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, tr("checkin.not_staff"))


def create_router() -> Router:
    router = Router(name="checkin")
    router.message.register(
        open_ticket, CommandStart(deep_link=True, magic=F.args.startswith(TICKET_PREFIX))
    )
    router.message.register(
        open_door, CommandStart(deep_link=True, magic=F.args.startswith(DOOR_PREFIX))
    )
    router.message.register(checkin_command, Command("checkin"), CanCheckIn())
    router.message.register(refuse_command, Command("checkin"))
    router.callback_query.register(refuse_button, CheckinCb.filter(), ~CanCheckIn())
    router.callback_query.register(seminar_menu, CheckinCb.filter(F.action == "seminar"))
    router.callback_query.register(door_qr, CheckinCb.filter(F.action == "door"))
    router.callback_query.register(show_list, CheckinCb.filter(F.action.in_({"list", "page"})))
    router.callback_query.register(toggle, CheckinCb.filter(F.action == "toggle"))
    router.message.register(
        search, StateFilter(CheckinSearch.query), TYPED, NOT_COMMAND, CanCheckIn()
    )
    return router
