"""Participants' side of seminars: the list, the card, deep links, registering, cancelling, .ics."""

from __future__ import annotations

import logging
import math
import re

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext
from bot.i18n import Html, Tr, join
from bot.services.calendar import ics_filename, seminar_ics, seminar_link
from bot.services.registration import CancelOutcome, RegisterOutcome, RegistrationService
from handlers.alerts import alert
from handlers.menu import MenuCb, main_menu
from handlers.profile import begin_profile
from handlers.seminar_views import (
    SeminarCb,
    SeminarPageCb,
    card_keyboard,
    load_card,
    registration_reply,
    render_card,
    seats_text,
)
from storage.models import RegistrationStatus, Seminar, User
from storage.repositories import Repositories

log = logging.getLogger(__name__)

PAGE_SIZE = 8
_DEEP_LINK = re.compile(r"^seminar_(\d{1,18})$")


def _chat_id(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message is not None else query.from_user.id


async def render_list(
    repos: Repositories, ctx: RenderContext, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, now = ctx.tr, ctx.now
    total = await repos.seminars.count_upcoming(now)
    if total == 0:
        return tr("seminars.list.empty"), None
    pages = math.ceil(total / PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    seminars = await repos.seminars.upcoming(now, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    confirmed = await repos.registrations.confirmed_counts([s.id for s in seminars])
    parts = [tr("seminars.list.title")]
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        seats_left = max(seminar.capacity - confirmed.get(seminar.id, 0), 0)
        parts.append(
            tr(
                "seminars.list.item",
                when=ctx.when(seminar.starts_at),
                title=seminar.title,
                seats=seats_text(tr, seats_left),
            )
        )
        builder.button(text=seminar.title, callback_data=SeminarCb(action="card", id=seminar.id))
    builder.adjust(1)
    if pages > 1:
        parts.append(tr("seminars.list.page", page=page + 1, pages=pages))
        nav = InlineKeyboardBuilder()
        if page > 0:
            nav.button(text=tr("seminars.list.prev"), callback_data=SeminarPageCb(page=page - 1))
        if page < pages - 1:
            nav.button(text=tr("seminars.list.next"), callback_data=SeminarPageCb(page=page + 1))
        builder.attach(nav)
    parts.append(join("\n", [tr("seminars.list.zone", zone=ctx.zone()), tr("seminars.list.hint")]))
    return "\n\n".join(parts), builder.as_markup()


async def list_command(message: Message, repos: Repositories, ctx: RenderContext) -> None:
    text, markup = await render_list(repos, ctx, 0)
    await message.answer(text, reply_markup=markup)


async def list_from_button(
    query: CallbackQuery, bot: Bot, repos: Repositories, ctx: RenderContext
) -> None:
    text, markup = await render_list(repos, ctx, 0)
    await bot.send_message(_chat_id(query), text, reply_markup=markup)


async def list_page(
    query: CallbackQuery,
    callback_data: SeminarPageCb,
    bot: Bot,
    repos: Repositories,
    ctx: RenderContext,
) -> None:
    text, markup = await render_list(repos, ctx, callback_data.page)
    if isinstance(query.message, Message) and query.message.text is not None:
        try:
            await query.message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            # An unchanged page is no reason to send another message.
            if "not modified" in exc.message:
                return
            log.info("could not edit the seminar list: %s", exc.message)
    await bot.send_message(_chat_id(query), text, reply_markup=markup)


async def send_card(
    bot: Bot, chat_id: int, seminar: Seminar, user: User, repos: Repositories, ctx: RenderContext
) -> None:
    card = await load_card(repos, seminar, user.id)
    await bot.send_message(
        chat_id,
        render_card(ctx.tr, ctx.tz, card, ctx.now, free=ctx.free_of_charge),
        reply_markup=card_keyboard(ctx.tr, card, ctx.now),
    )


async def deep_link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    user: User,
    repos: Repositories,
    ctx: RenderContext,
    state: FSMContext,
) -> None:
    await state.clear()
    match = _DEEP_LINK.match(command.args or "")
    seminar = await repos.seminars.get(int(match.group(1))) if match else None
    if seminar is None:
        await message.answer(ctx.tr("seminars.not_found"))
        return
    await send_card(bot, message.chat.id, seminar, user, repos, ctx)


async def _seminar_or_alert(
    repos: Repositories, seminar_id: int, tr: Tr, callback_answer: CallbackAnswer
) -> Seminar | None:
    seminar = await repos.seminars.get(seminar_id)
    if seminar is None:
        alert(callback_answer, tr("seminars.not_found"))
    return seminar


async def open_card(
    query: CallbackQuery,
    callback_data: SeminarCb,
    bot: Bot,
    user: User,
    repos: Repositories,
    ctx: RenderContext,
    callback_answer: CallbackAnswer,
) -> None:
    seminar = await _seminar_or_alert(repos, callback_data.id, ctx.tr, callback_answer)
    if seminar is not None:
        await send_card(bot, _chat_id(query), seminar, user, repos, ctx)


async def register(
    query: CallbackQuery,
    callback_data: SeminarCb,
    user: User,
    ctx: RenderContext,
    registration: RegistrationService,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    result = await registration.sign_up(user.id, callback_data.id)
    if result.outcome is RegisterOutcome.NOT_FOUND:
        alert(callback_answer, ctx.tr("seminars.not_found"))
        return
    assert query.bot is not None
    if result.outcome is RegisterOutcome.NEEDS_PROFILE:
        await begin_profile(
            query.bot, _chat_id(query), state, ctx.tr, seminar_id=callback_data.id, consented=False
        )
        return
    text, markup = registration_reply(ctx, result)
    await query.bot.send_message(_chat_id(query), text, reply_markup=markup)


async def ask_cancel(
    query: CallbackQuery,
    callback_data: SeminarCb,
    bot: Bot,
    user: User,
    repos: Repositories,
    ctx: RenderContext,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await _seminar_or_alert(repos, callback_data.id, tr, callback_answer)
    if seminar is None:
        return
    live = await repos.registrations.live(seminar.id, user.id)
    if live is None:
        await bot.send_message(
            _chat_id(query),
            tr("seminars.cancel.not_registered", title=seminar.title),
            reply_markup=main_menu(tr),
        )
        return
    waiting = live.status is RegistrationStatus.WAITLIST
    key = "seminars.cancel.confirm_waitlist" if waiting else "seminars.cancel.confirm"
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("seminars.cancel.button_yes_waitlist" if waiting else "seminars.cancel.button_yes"),
        callback_data=SeminarCb(action="cancel_yes", id=seminar.id),
    )
    builder.button(
        text=tr("seminars.cancel.button_no"), callback_data=SeminarCb(action="keep", id=seminar.id)
    )
    builder.adjust(1)
    when = ctx.when(seminar.starts_at)
    await bot.send_message(
        _chat_id(query),
        tr(key, title=seminar.title, when=when, zone=ctx.zone(seminar.starts_at)),
        reply_markup=builder.as_markup(),
    )


async def keep_registration(
    query: CallbackQuery,
    callback_data: SeminarCb,
    tr: Tr,
    bot: Bot,
    user: User,
    repos: Repositories,
) -> None:
    live = await repos.registrations.live(callback_data.id, user.id)
    waiting = live is not None and live.status is RegistrationStatus.WAITLIST
    key = "seminars.cancel.kept_waitlist" if waiting else "seminars.cancel.kept"
    await bot.send_message(_chat_id(query), tr(key))


async def confirm_cancel(
    query: CallbackQuery,
    callback_data: SeminarCb,
    user: User,
    repos: Repositories,
    ctx: RenderContext,
    registration: RegistrationService,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    assert query.bot is not None
    bot = query.bot
    result = await registration.cancel(user.id, callback_data.id)
    if result.seminar is None or result.outcome is CancelOutcome.NOT_FOUND:
        alert(callback_answer, tr("seminars.not_found"))
        return
    title = result.seminar.title
    if result.outcome is CancelOutcome.NOT_REGISTERED:
        await bot.send_message(
            _chat_id(query),
            tr("seminars.cancel.not_registered", title=title),
            reply_markup=main_menu(tr),
        )
        return
    key = (
        "seminars.cancel.done_waitlist"
        if result.previous_status is RegistrationStatus.WAITLIST
        else "seminars.cancel.done"
    )
    card = await load_card(repos, result.seminar, user.id)
    await bot.send_message(
        _chat_id(query), tr(key, title=title), reply_markup=card_keyboard(tr, card, ctx.now)
    )


async def calendar_file(
    query: CallbackQuery,
    callback_data: SeminarCb,
    bot: Bot,
    repos: Repositories,
    ctx: RenderContext,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    seminar = await _seminar_or_alert(repos, callback_data.id, tr, callback_answer)
    if seminar is None:
        return
    me = await bot.me()
    ics = seminar_ics(
        seminar,
        ctx.now,
        link=seminar_link(me.username or "", seminar),
        # Plain text inside the .ics, so the title goes in unescaped.
        alarm_text=tr("seminars.calendar.alarm", title=Html(seminar.title)),
    )
    document = BufferedInputFile(ics, filename=ics_filename(seminar))
    await bot.send_document(
        _chat_id(query), document, caption=tr("seminars.calendar.caption", title=seminar.title)
    )


def create_router() -> Router:
    router = Router(name="seminars")
    router.message.register(
        deep_link, CommandStart(deep_link=True, magic=F.args.startswith("seminar_"))
    )
    router.message.register(list_command, Command("seminars"))
    router.callback_query.register(list_from_button, MenuCb.filter(F.action == "seminars"))
    router.callback_query.register(list_page, SeminarPageCb.filter(F.page >= 0))
    router.callback_query.register(open_card, SeminarCb.filter(F.action == "card"))
    router.callback_query.register(register, SeminarCb.filter(F.action == "reg"))
    router.callback_query.register(ask_cancel, SeminarCb.filter(F.action == "cancel"))
    router.callback_query.register(keep_registration, SeminarCb.filter(F.action == "keep"))
    router.callback_query.register(confirm_cancel, SeminarCb.filter(F.action == "cancel_yes"))
    router.callback_query.register(calendar_file, SeminarCb.filter(F.action == "ics"))
    return router
