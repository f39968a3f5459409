"""`Мой билет` / `My ticket` in /my: a QR image with the ticket's deep link and its code."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.formatting import RenderContext
from bot.services.checkin import CheckinService
from bot.services.deep_links import TICKET_PREFIX, start_link
from bot.services.qr import qr_png
from bot.services.tickets import TicketOutcome
from handlers.alerts import alert
from handlers.filters import RowId


class TicketCb(CallbackData, prefix="tkt"):
    seminar_id: RowId


async def send_ticket(
    query: CallbackQuery,
    callback_data: TicketCb,
    bot: Bot,
    ctx: RenderContext,
    checkin: CheckinService,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    user_id = query.from_user.id
    result = await checkin.ticket(user_id, callback_data.seminar_id)
    ticket, seminar = result.ticket, result.seminar
    if result.outcome is not TicketOutcome.ISSUED or ticket is None or seminar is None:
        alert(callback_answer, tr(f"tickets.{result.outcome.value}"))
        return
    me = await bot.me()
    link = start_link(me.username or "", f"{TICKET_PREFIX}{ticket.token}")
    chat_id = query.message.chat.id if query.message is not None else user_id
    await bot.send_photo(
        chat_id,
        BufferedInputFile(qr_png(link), filename=f"ticket-{ticket.code}.png"),
        caption=tr(
            "tickets.caption",
            title=seminar.title,
            when=ctx.when(seminar.starts_at),
            zone=ctx.zone(seminar.starts_at),
            name=result.holder_name,
            code=ticket.code,
        ),
    )


def create_router() -> Router:
    router = Router(name="tickets")
    router.callback_query.register(send_ticket, TicketCb.filter())
    return router
