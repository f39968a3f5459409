"""`Подключиться` / `Join`: the meeting link of an online or hybrid seminar, for seat holders."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.clock import Clock
from bot.formatting import format_datetime
from bot.i18n import Tr
from bot.services.online import JoinOutcome, join, join_opens_at
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import RowId
from storage.database import Database
from storage.models import User


class JoinCb(CallbackData, prefix="join"):
    seminar_id: RowId


async def press_join(
    query: CallbackQuery,
    callback_data: JoinCb,
    bot: Bot,
    user: User,
    tr: Tr,
    db: Database,
    settings: Settings,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    result = await join(db, clock, user.id, callback_data.seminar_id)
    seminar = result.seminar
    if result.outcome is JoinOutcome.LINK and seminar is not None and result.link:
        chat_id = query.message.chat.id if query.message is not None else user.id
        await bot.send_message(chat_id, tr("online.link", title=seminar.title, link=result.link))
        return
    if result.outcome is JoinOutcome.NOT_YET and seminar is not None:
        opens = format_datetime(join_opens_at(seminar), settings.timezone, tr)
        alert(callback_answer, tr("online.not_yet", opens=opens))
        return
    alert(callback_answer, tr(f"online.{result.outcome.value}"))


def create_router() -> Router:
    router = Router(name="online")
    router.callback_query.register(press_join, JoinCb.filter())
    return router
