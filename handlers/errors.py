"""The error handler: log with the update id, apologise in the user's language, carry on."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from bot.i18n import Tr
from bot.middlewares import UpdateTrace

log = logging.getLogger(__name__)


async def on_error(
    event: ErrorEvent, tr: Tr | None = None, trace: UpdateTrace | None = None
) -> None:
    update = event.update
    log.error(
        "update id=%s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    if tr is None:
        return
    # A button press that reached bot.middlewares.CallbackAnswers has been answered with
    # the apology there (a second answer would be refused); one that failed earlier, such
    # as on the first database write, is answered here.
    try:
        if update.message is not None:
            await update.message.answer(tr("errors.internal"))
        elif update.callback_query is not None and not (trace and trace.press_answered):
            await update.callback_query.answer(tr("errors.internal"), show_alert=True)
    except Exception:  # the apology itself must never take polling down
        log.exception("could not tell the user about the error in update %s", update.update_id)


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
