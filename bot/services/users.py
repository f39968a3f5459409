"""The bot's users as every update sees them, with the row write kept off the hot path.

Every update records who wrote (name, username, language code, last seen, and
"active again" after a block). Writing that row for every update cost about 0.4 ms,
40% of a simple command, so an unchanged user is written at most once a minute.
Everything that changes a user row goes through this directory, so the cache never
serves a row the database has since changed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.text_input import strip_format_characters
from storage.database import Database
from storage.models import User
from storage.repositories import Repositories

REFRESH_SECONDS = 60.0
CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """What Telegram says about the user in each update."""

    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


class UserDirectory:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self._db = db
        self._clock = clock
        self._monotonic = monotonic
        self._refresh = refresh_seconds
        # user id -> (identity, when written, row, whether that write was from a private chat)
        self._recent: OrderedDict[int, tuple[TelegramIdentity, float, User, bool]] = OrderedDict()

    async def seen(self, user_id: int, identity: TelegramIdentity, *, in_private: bool) -> User:
        """Record that the user wrote (in a private chat or in a group); returns their row."""
        cached = self._recent.get(user_id)
        now = self._monotonic()
        if (
            cached is not None
            and cached[0] == identity
            and now - cached[1] < self._refresh
            and (cached[3] or not in_private)
        ):
            self._recent.move_to_end(user_id)
            return cached[2]
        user = await Repositories(self._db).users.record_seen(
            user_id,
            # Telegram names reach the staff chat and exports: no invisible format characters.
            strip_format_characters(identity.first_name),
            strip_format_characters(identity.last_name) if identity.last_name else None,
            identity.username,
            identity.language_code,
            self._clock(),
            in_private=in_private,
        )
        self._recent[user_id] = (identity, now, user, in_private)
        self._recent.move_to_end(user_id)
        if len(self._recent) > CACHE_SIZE:
            self._recent.popitem(last=False)
        return user

    async def set_language(self, user_id: int, language: str) -> None:
        await Repositories(self._db).users.set_language(user_id, language)
        self.forget(user_id)

    async def started(self, user_id: int) -> None:
        """/start: a user who had used /forget_me is part of the "Everyone" audience again."""
        await Repositories(self._db).users.started(user_id)

    async def mark_inactive(self, user_id: int) -> None:
        """After a 403 or "chat not found": skipped by bulk sends until they write again."""
        await Repositories(self._db).users.mark_inactive(user_id)
        self.forget(user_id)

    def forget(self, user_id: int) -> None:
        """Drop the cached row, e.g. after the row was changed or anonymised."""
        self._recent.pop(user_id, None)
