"""The error handler: log with the update id, apologise in the user's language, carry on."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from bot.i18n import Tr

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, tr: Tr | None = None) -> None:
    update = event.update
    log.error(
        "update id=%s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    if tr is None:
        return
    # A failed button press needs nothing here: bot.middlewares.CallbackAnswers has
    # already answered it with the apology, and a second answer would be refused.
    try:
        if update.message is not None:
            await update.message.answer(tr("errors.internal"))
    except Exception:  # the apology itself must never take polling down
        log.exception("could not tell the user about the error in update %s", update.update_id)


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
