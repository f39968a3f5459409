"""`Мой билет` / `My ticket` in /my: a QR image with the ticket's deep link and its code."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.clock import Clock
from bot.formatting import format_datetime
from bot.i18n import Tr
from bot.services.deep_links import TICKET_PREFIX, start_link
from bot.services.qr import qr_png
from bot.services.tickets import TicketOutcome, issue_ticket
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import RowId
from storage.database import Database
from storage.models import User


class TicketCb(CallbackData, prefix="tkt"):
    seminar_id: RowId


async def send_ticket(
    query: CallbackQuery,
    callback_data: TicketCb,
    bot: Bot,
    user: User,
    tr: Tr,
    db: Database,
    settings: Settings,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    result = await issue_ticket(db, clock, user.id, callback_data.seminar_id)
    ticket, seminar = result.ticket, result.seminar
    if result.outcome is not TicketOutcome.ISSUED or ticket is None or seminar is None:
        alert(callback_answer, tr(f"tickets.{result.outcome.value}"))
        return
    me = await bot.me()
    link = start_link(me.username or "", f"{TICKET_PREFIX}{ticket.token}")
    chat_id = query.message.chat.id if query.message is not None else user.id
    await bot.send_photo(
        chat_id,
        BufferedInputFile(qr_png(link), filename=f"ticket-{ticket.code}.png"),
        caption=tr(
            "tickets.caption",
            title=seminar.title,
            when=format_datetime(seminar.starts_at, settings.timezone, tr),
            name=result.holder_name,
            code=ticket.code,
        ),
    )


def create_router() -> Router:
    router = Router(name="tickets")
    router.callback_query.register(send_ticket, TicketCb.filter())
    return router
