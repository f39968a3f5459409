"""Each update is handled once, even when Telegram delivers it again after a crash.

Polling confirms a batch only after handling it (`bot.polling`), so after a SIGKILL the
unfinished batch comes again. This outermost middleware skips an update whose id is
recorded as handled and records it when its handling ends (the error handler included).
An update whose handler was still running at the kill is handled again: its reply can
come twice, but the steps behind it are idempotent (a second registration press finds
the seat taken, an answer already recorded is not recorded again).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

from bot.clock import Clock
from bot.middlewares import Handler
from storage.database import Database
from storage.repositories.updates import HandledUpdateRepository

log = logging.getLogger(__name__)


class HandledUpdatesMiddleware(BaseMiddleware):
    def __init__(self, db: Database, clock: Clock) -> None:
        self._repo = HandledUpdateRepository(db)
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if await self._was_handled(event.update_id):
            log.info("update id=%s was handled before the restart; skipped", event.update_id)
            return UNHANDLED
        try:
            result = await handler(event, data)
        except Exception:
            await self._record(event.update_id)
            raise
        await self._record(event.update_id)
        return result

    # The journal must never be why a user gets no answer: if the database refuses, the
    # update is handled (and its failure answered) as if there were no journal.
    async def _was_handled(self, update_id: int) -> bool:
        try:
            return await self._repo.was_handled(update_id, self._clock())
        except Exception:
            log.exception("update id=%s: could not read the handled-updates journal", update_id)
            return False

    async def _record(self, update_id: int) -> None:
        try:
            await self._repo.record(update_id, self._clock())
        except Exception:
            log.exception("update id=%s: could not record it as handled", update_id)
