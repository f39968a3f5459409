"""One pace for everything the bot sends in bulk (reminders, broadcasts, notices).

Sends are spaced 1/BROADCAST_RATE apart; a 429 from Telegram pauses every sender
for `retry_after` seconds, because Telegram's limit is per bot, not per chat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class SendPacer:
    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate
        self._monotonic = monotonic
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for this sender's turn."""
        while True:
            async with self._lock:
                now = self._monotonic()
                ready_at = max(self._next_slot, self._paused_until)
                if ready_at <= now:
                    self._next_slot = max(now, self._next_slot) + self._interval
                    return
                delay = ready_at - now
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
