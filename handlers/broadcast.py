"""/broadcast (admins): audience → the message → preview → Send; then progress and a report.

The message is delivered as-is with copyMessage from the admin's chat, so any formatting,
photo or document survives. Delivery itself is `BroadcastService`'s background job;
`BroadcastBoard` renders its progress message and final report for the admin.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.i18n import Tr
from bot.services.broadcasts import BroadcastService
from bot.services.recipients import Recipients
from bot.services.sender import Sender
from handlers.alerts import alert
from handlers.filters import NOT_COMMAND, IsAdmin, RowId
from handlers.stale import expired_button, finish_dialog
from storage.models import (
    Audience,
    BodyKind,
    Broadcast,
    BroadcastBody,
    BroadcastStatus,
    BroadcastTally,
    Seminar,
)
from storage.repositories import Repositories

log = logging.getLogger(__name__)

TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024
HEADER_WORDS = 60  # the seminar line's own words, in either language, and the blank line


class BroadcastDialog(StatesGroup):
    audience = State()
    message = State()
    confirm = State()


class AudienceCb(CallbackData, prefix="adm_bca"):
    audience: Audience
    seminar_id: RowId = 0


class ConfirmCb(CallbackData, prefix="adm_bcc"):
    action: str  # send | cancel


class StopCb(CallbackData, prefix="adm_bcs"):
    broadcast_id: RowId


class ResendCb(CallbackData, prefix="adm_bcr"):
    broadcast_id: RowId


def audience_keyboard(tr: Tr, seminars: list[Seminar]) -> InlineKeyboardMarkup:
    # Every confirmed-registrants button comes before every waitlist button, so the
    # first button containing a seminar's title is that seminar's attendees.
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("broadcast.button.all"), callback_data=AudienceCb(audience=Audience.ALL))
    for audience in (Audience.CONFIRMED, Audience.WAITLIST):
        for seminar in seminars:
            builder.button(
                text=tr(f"broadcast.button.{audience.value}", title=seminar.title),
                callback_data=AudienceCb(audience=audience, seminar_id=seminar.id),
            )
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard(tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("broadcast.button.send"), callback_data=ConfirmCb(action="send"))
    builder.button(text=tr("broadcast.button.cancel"), callback_data=ConfirmCb(action="cancel"))
    return builder.as_markup()


def stop_keyboard(tr: Tr, broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("broadcast.button.stop"), callback_data=StopCb(broadcast_id=broadcast_id)
    )
    return builder.as_markup()


def resend_keyboard(tr: Tr, broadcast_id: int, uncertain: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("broadcast.button.resend", count=uncertain),
        callback_data=ResendCb(broadcast_id=broadcast_id),
    )
    return builder.as_markup()


def audience_name(tr: Tr, audience: Audience, seminar: Seminar | None) -> str:
    if seminar is None:
        return tr("broadcast.audience.all")
    return tr(f"broadcast.audience.{audience.value}", title=seminar.title)


def format_elapsed(tr: Tr, elapsed: timedelta) -> str:
    seconds = max(0, round(elapsed.total_seconds()))
    if seconds < 60:
        return tr("broadcast.seconds", seconds=seconds)
    return tr("broadcast.minutes", minutes=seconds // 60, seconds=seconds % 60)


def progress_text(tr: Tr, broadcast: Broadcast, tally: BroadcastTally) -> str:
    return tr("broadcast.progress", id=broadcast.id, done=tally.processed, total=tally.total)


def report_text(tr: Tr, broadcast: Broadcast, tally: BroadcastTally) -> str:
    finished_at = broadcast.finished_at or broadcast.created_at
    title = "stopped" if broadcast.status is BroadcastStatus.STOPPED else "done"
    return (
        tr(f"broadcast.report.{title}", id=broadcast.id)
        + "\n"
        + tr(
            "broadcast.report.body",
            sent=tally.sent,
            blocked=tally.blocked,
            failed=tally.failed,
            uncertain=tally.uncertain,
            stopped=tally.stopped,
            elapsed=format_elapsed(tr, finished_at - broadcast.created_at),
        )
    )


class BroadcastBoard:
    """The admin's view of a broadcast: one progress message, edited, then a report."""

    def __init__(self, bot: Bot, sender: Sender, recipients: Recipients) -> None:
        self._bot = bot
        self._sender = sender
        self._recipients = recipients

    async def show_progress(self, broadcast: Broadcast, tally: BroadcastTally) -> None:
        tr = await self._tr(broadcast)
        await self._edit(
            broadcast, progress_text(tr, broadcast, tally), stop_keyboard(tr, broadcast.id)
        )

    async def show_report(self, broadcast: Broadcast, tally: BroadcastTally) -> None:
        tr = await self._tr(broadcast)
        await self._edit(broadcast, progress_text(tr, broadcast, tally), None)
        markup = resend_keyboard(tr, broadcast.id, tally.uncertain) if tally.uncertain else None
        await self._sender.send_message(
            broadcast.progress_chat_id or broadcast.created_by,
            report_text(tr, broadcast, tally),
            reply_markup=markup,
        )

    async def _tr(self, broadcast: Broadcast) -> Tr:
        return await self._recipients.user(broadcast.created_by)

    async def _edit(
        self, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        try:
            await self._bot.edit_message_text(
                text=text,
                chat_id=broadcast.progress_chat_id,
                message_id=broadcast.progress_message_id,
                reply_markup=markup,
            )
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("broadcast %s: progress edit refused: %s", broadcast.id, exc.message)
        except TelegramAPIError as exc:
            log.warning("broadcast %s: progress edit failed: %s", broadcast.id, exc)


async def broadcast_command(
    message: Message, state: FSMContext, tr: Tr, repos: Repositories, clock: Clock
) -> None:
    await state.clear()
    await state.set_state(BroadcastDialog.audience)
    seminars = await repos.seminars.upcoming(clock())
    await message.answer(
        tr("broadcast.choose_audience"), reply_markup=audience_keyboard(tr, seminars)
    )


async def audience_chosen(
    query: CallbackQuery,
    callback_data: AudienceCb,
    state: FSMContext,
    tr: Tr,
    repos: Repositories,
    broadcasts: BroadcastService,
    callback_answer: CallbackAnswer,
) -> None:
    seminar = None
    if callback_data.audience is not Audience.ALL:
        seminar = await repos.seminars.get(callback_data.seminar_id)
        if seminar is None or seminar.is_cancelled:
            await expired_button(query, tr, callback_answer, is_admin=True)
            return
    seminar_id = seminar.id if seminar else None
    if await broadcasts.count(callback_data.audience, seminar_id) == 0:
        alert(callback_answer, tr("broadcast.audience_empty"))
        return
    await state.set_state(BroadcastDialog.message)
    await state.set_data({"audience": callback_data.audience.value, "seminar_id": seminar_id})
    if isinstance(query.message, Message):
        await query.message.edit_text(
            tr("broadcast.ask_message", audience=audience_name(tr, callback_data.audience, seminar))
        )


async def audience_pending(message: Message, tr: Tr) -> None:
    """Text typed before an audience is chosen: the buttons above are the way on."""
    await message.answer(tr("broadcast.pick_audience"))


def seminar_body(message: Message, seminar: Seminar, tr: Tr) -> BroadcastBody | None:
    """The message with the seminar's line first, for the one request each recipient gets.

    A text becomes a new text; a photo, video, document, audio, animation or voice message
    is copied with its caption replaced. Anything else (a sticker) is copied as it is.
    """
    header = tr("broadcast.context", title=seminar.title)
    if message.text is not None:
        return BroadcastBody(BodyKind.TEXT, f"{header}\n\n{message.html_text}")
    if any((message.photo, message.video, message.document, message.audio, message.animation,
            message.voice)):  # fmt: skip
        caption = message.html_text if message.caption else ""
        return BroadcastBody(BodyKind.CAPTION, f"{header}\n\n{caption}" if caption else header)
    return None


def _too_long(message: Message, body: BroadcastBody | None, seminar: Seminar | None) -> int:
    """By how many characters the message with its seminar line exceeds Telegram's limit."""
    if body is None or seminar is None:
        return 0
    limit = TEXT_LIMIT if body.kind is BodyKind.TEXT else CAPTION_LIMIT
    own = message.text or message.caption or ""
    # The line's visible length: the title plus the words around it.
    return max(0, len(own) + len(seminar.title) + HEADER_WORDS - limit)


async def message_received(
    message: Message,
    state: FSMContext,
    bot: Bot,
    tr: Tr,
    repos: Repositories,
    broadcasts: BroadcastService,
) -> None:
    data = await state.get_data()
    audience = Audience(data["audience"])
    seminar_id: int | None = data["seminar_id"]
    seminar = await repos.seminars.get(seminar_id) if seminar_id is not None else None
    body = seminar_body(message, seminar, tr) if seminar is not None else None
    excess = _too_long(message, body, seminar)
    if excess:
        await message.answer(tr("broadcast.too_long", count=excess))
        return
    # The preview is exactly what recipients get; the note under it explains it and
    # carries the buttons, and later becomes the progress message.
    try:
        if body is not None and body.kind is BodyKind.TEXT:
            await message.answer(body.html)
        elif body is not None:
            await message.copy_to(message.chat.id, caption=body.html)
        else:
            await message.copy_to(message.chat.id)
    except TelegramBadRequest:
        await message.answer(tr("broadcast.cannot_copy"))
        return
    await _drop_buttons(bot, message.chat.id, data.get("note_message_id"))
    count = await broadcasts.count(audience, seminar_id)
    note = await message.answer(
        tr(
            "broadcast.preview",
            audience=audience_name(tr, audience, seminar),
            recipients=tr("broadcast.recipients", count=count),
        ),
        reply_markup=confirm_keyboard(tr),
    )
    await state.update_data(
        source_chat_id=message.chat.id,
        source_message_id=message.message_id,
        note_message_id=note.message_id,
        body=None if body is None else {"kind": body.kind.value, "html": body.html},
    )
    await state.set_state(BroadcastDialog.confirm)


async def _drop_buttons(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take Send/Cancel off a preview that was replaced or answered."""
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as exc:
        log.info("preview %s keeps its buttons: %s", message_id, exc.message)


async def send_confirmed(
    query: CallbackQuery,
    state: FSMContext,
    bot: Bot,
    tr: Tr,
    broadcasts: BroadcastService,
    callback_answer: CallbackAnswer,
) -> None:
    data = await state.get_data()
    if await state.get_state() != BroadcastDialog.confirm.state or not isinstance(
        query.message, Message
    ):
        await expired_button(query, tr, callback_answer, is_admin=True, state=state)
        return
    await finish_dialog(state, query)
    chat_id = query.message.chat.id
    body = data.get("body")
    broadcast = await broadcasts.launch(
        created_by=query.from_user.id,
        audience=Audience(data["audience"]),
        seminar_id=data["seminar_id"],
        source_chat_id=data["source_chat_id"],
        source_message_id=data["source_message_id"],
        progress_chat_id=chat_id,
        progress_message_id=data["note_message_id"],
        body=BroadcastBody(BodyKind(body["kind"]), body["html"]) if body else None,
    )
    if broadcast is None:
        callback_answer.text = tr("broadcast.already_started")


async def cancel_pressed(query: CallbackQuery, state: FSMContext, bot: Bot, tr: Tr) -> None:
    data = await state.get_data()
    await state.clear()
    if isinstance(query.message, Message):
        await _drop_buttons(bot, query.message.chat.id, query.message.message_id)
        note_id = data.get("note_message_id")
        if note_id is None:
            await query.message.answer(tr("broadcast.cancelled"))
        else:
            await bot.edit_message_text(
                text=tr("broadcast.cancelled"), chat_id=query.message.chat.id, message_id=note_id
            )


async def stop_pressed(
    query: CallbackQuery,
    callback_data: StopCb,
    tr: Tr,
    broadcasts: BroadcastService,
    callback_answer: CallbackAnswer,
) -> None:
    stopped = await broadcasts.stop(callback_data.broadcast_id)
    callback_answer.text = tr("broadcast.stopping" if stopped else "broadcast.not_running")


async def resend_pressed(
    query: CallbackQuery,
    callback_data: ResendCb,
    bot: Bot,
    tr: Tr,
    broadcasts: BroadcastService,
    callback_answer: CallbackAnswer,
) -> None:
    resent = await broadcasts.resend_uncertain(callback_data.broadcast_id)
    callback_answer.text = (
        tr("broadcast.resending", count=resent) if resent else tr("broadcast.nothing_to_resend")
    )
    if isinstance(query.message, Message):
        await _drop_buttons(bot, query.message.chat.id, query.message.message_id)


def create_router() -> Router:
    router = Router(name="broadcast")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(broadcast_command, Command("broadcast"))
    router.callback_query.register(audience_chosen, AudienceCb.filter())
    router.message.register(audience_pending, StateFilter(BroadcastDialog.audience), NOT_COMMAND)
    # Commands are left to their own handlers, so /cancel and friends still work here.
    router.message.register(
        message_received,
        StateFilter(BroadcastDialog.message, BroadcastDialog.confirm),
        NOT_COMMAND,
    )
    router.callback_query.register(send_confirmed, ConfirmCb.filter(F.action == "send"))
    router.callback_query.register(cancel_pressed, ConfirmCb.filter(F.action == "cancel"))
    router.callback_query.register(stop_pressed, StopCb.filter())
    router.callback_query.register(resend_pressed, ResendCb.filter())
    return router
