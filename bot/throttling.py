"""Flood protection: a user who sends too many updates too fast is ignored for a while.

Admins are exempt. The first dropped update of a burst gets one notice and one log line;
the rest are dropped silently, so a flood turns into neither a flood of replies nor of logs.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.i18n import Tr
from bot.middlewares import Handler

log = logging.getLogger(__name__)


class FloodGate:
    """Sliding window per user: at most `limit` updates in `window` seconds."""

    def __init__(
        self, limit: int, window: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._monotonic = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()
        self._last_purge = 0.0

    def admit(self, user_id: int) -> tuple[bool, bool]:
        """(admitted, should_warn): should_warn is true once per burst."""
        now = self._monotonic()
        self._purge(now)
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self._window:
            stamps.popleft()
        if len(stamps) < self._limit:
            stamps.append(now)
            self._warned.discard(user_id)
            return True, False
        first_drop = user_id not in self._warned
        self._warned.add(user_id)
        return False, first_drop

    def _purge(self, now: float) -> None:
        # Forget users who have been quiet for a whole window, so memory stays flat.
        if now - self._last_purge < self._window:
            return
        self._last_purge = now
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] >= self._window]:
            del self._seen[user_id]
            self._warned.discard(user_id)


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, gate: FloodGate) -> None:
        self._gate = gate

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("user")
        if user is None or data.get("is_admin"):
            return await handler(event, data)
        admitted, warn = self._gate.admit(user.id)
        if admitted:
            return await handler(event, data)
        if not warn:
            return None
        log.warning("flood: user %s is over the limit; dropping their updates for now", user.id)
        if isinstance(event, Update):
            tr: Tr = data["tr"]
            if event.message is not None:
                await event.message.answer(tr("errors.flood"))
            elif event.callback_query is not None:
                await event.callback_query.answer(tr("errors.flood"), show_alert=True)
        return None
