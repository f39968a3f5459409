"""`Подключиться` / `Join`: the meeting link of an online or hybrid seminar, for seat holders."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.formatting import RenderContext
from bot.services.checkin import CheckinService
from bot.services.online import JoinOutcome, join_opens_at
from handlers.alerts import alert
from handlers.filters import RowId


class JoinCb(CallbackData, prefix="join"):
    seminar_id: RowId


async def press_join(
    query: CallbackQuery,
    callback_data: JoinCb,
    bot: Bot,
    ctx: RenderContext,
    checkin: CheckinService,
    callback_answer: CallbackAnswer,
) -> None:
    tr = ctx.tr
    user_id = query.from_user.id
    result = await checkin.join(user_id, callback_data.seminar_id)
    seminar = result.seminar
    if result.outcome is JoinOutcome.LINK and seminar is not None and result.link:
        chat_id = query.message.chat.id if query.message is not None else user_id
        await bot.send_message(chat_id, tr("online.link", title=seminar.title, link=result.link))
        return
    if result.outcome is JoinOutcome.NOT_YET and seminar is not None:
        opens = ctx.when(join_opens_at(seminar))
        alert(callback_answer, tr("online.not_yet", opens=opens))
        return
    alert(callback_answer, tr(f"online.{result.outcome.value}"))


def create_router() -> Router:
    router = Router(name="online")
    router.callback_query.register(press_join, JoinCb.filter())
    return router
