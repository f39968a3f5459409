"""Failure injection for the fake server: a global rate limit and one-off errors."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from bot.sandbox.fakeapi.errors import ApiError, too_many_requests

# Methods that send a message somewhere and so count against Telegram's flood limits.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "sendInvoice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)


class RateLimiter:
    """Sliding window: at most ``per_second`` sends per second, all chats together.

    A fractional rate such as 2.5 allows 2 sends per 0.8 s window.
    """

    def __init__(self) -> None:
        self.per_second: float | None = None
        self._sent: deque[float] = deque()

    def configure(self, per_second: float | None) -> None:
        if per_second is not None and per_second <= 0:
            raise ValueError("per_second must be positive or None")
        self.per_second = per_second
        self._sent.clear()

    def acquire(self, now: float) -> None:
        """Count one send at ``now`` or raise 429 (the send is then not counted)."""
        if self.per_second is None:
            return
        capacity = max(1, int(self.per_second))
        window = capacity / self.per_second
        while self._sent and self._sent[0] <= now - window:
            self._sent.popleft()
        if len(self._sent) >= capacity:
            raise too_many_requests(max(1, math.ceil(self._sent[0] + window - now)))
        self._sent.append(now)


@dataclass
class _Failure:
    status: int
    description: str
    times: int
    retry_after: int | None


class FailureQueue:
    """Errors queued per method by ``FakeBotAPI.fail_next``."""

    def __init__(self) -> None:
        self._pending: dict[str, list[_Failure]] = {}

    def add(
        self, method: str, status: int, description: str, times: int, retry_after: int | None
    ) -> None:
        self._pending.setdefault(method.lower(), []).append(
            _Failure(status, description, times, retry_after)
        )

    def take(self, method: str) -> ApiError | None:
        queue = self._pending.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
        return ApiError(failure.status, failure.description, parameters=parameters, injected=True)


class Outage:
    """Every sending call fails with one status until a moment (``FakeBotAPI.fail_for``)."""

    def __init__(self) -> None:
        self._until = 0.0
        self._status = 500
        self._description = ""

    def start(self, until: float, status: int, description: str) -> None:
        self._until, self._status, self._description = until, status, description

    def check(self, now: float) -> None:
        if now < self._until:
            raise ApiError(self._status, self._description, injected=True)
