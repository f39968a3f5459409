"""The sandbox clock: real time plus an offset that the page's fast-forward moves."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock, utc_now


class SandboxClock:
    """A `Clock` (call it for now) that can be moved forward, never back."""

    def __init__(self, source: Clock = utc_now) -> None:
        self._source = source
        self._offset = timedelta()

    def __call__(self) -> datetime:
        return self._source() + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` and return the new now."""
        if delta <= timedelta():
            raise ValueError("the sandbox clock only moves forward")
        self._offset += delta
        return self()
