"""Who may speak for the organisers: answer participants and publish FAQ entries.

Being in the staff chat is not enough (anyone can be added to a group). Answering
takes an admin (ADMIN_IDS) or a current administrator or creator of STAFF_CHAT_ID,
asked of Telegram with getChatMember and remembered briefly, so a demotion counts
within a minute. The memory is bounded: entries expire after that minute and at most
CACHE_SIZE members are remembered (the least recently asked go first), so a crowd of
members pressing buttons cannot grow it. Publishing to the public FAQ takes an admin.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from bot.settings import Settings

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
CACHE_SIZE = 512
_AUTHORITY = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR})


class StaffAuthority:
    def __init__(
        self,
        bot: Bot,
        settings: Settings,
        monotonic: Callable[[], float] = time.monotonic,
        cache_seconds: float = CACHE_SECONDS,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self._bot = bot
        self._settings = settings
        self._monotonic = monotonic
        self._cache_seconds = cache_seconds
        self._cache_size = cache_size
        self._known: OrderedDict[int, tuple[bool, float]] = OrderedDict()

    def __len__(self) -> int:
        """How many members' answers are remembered now."""
        return len(self._known)

    def may_publish(self, user_id: int) -> bool:
        """Only admins put text into the public FAQ."""
        return self._settings.is_admin(user_id)

    async def may_answer(self, chat_id: int, user_id: int) -> bool:
        """An admin anywhere, or an administrator of the staff chat writing in it."""
        if self._settings.is_admin(user_id):
            return True
        staff_chat = self._settings.staff_chat_id
        if staff_chat is None or chat_id != staff_chat:
            return False
        return await self._administers_staff_chat(staff_chat, user_id)

    async def _administers_staff_chat(self, staff_chat: int, user_id: int) -> bool:
        now = self._monotonic()
        cached = self._known.get(user_id)
        if cached is not None and now - cached[1] < self._cache_seconds:
            self._known.move_to_end(user_id)
            return cached[0]
        try:
            member = await self._bot.get_chat_member(staff_chat, user_id)
        except TelegramNetworkError:
            return False  # not remembered: the next try may reach Telegram
        except TelegramAPIError as exc:
            log.warning("getChatMember for user %d in the staff chat failed: %s", user_id, exc)
            allowed = False
        else:
            allowed = member.status in _AUTHORITY
        self._remember(user_id, allowed, now)
        return allowed

    def _remember(self, user_id: int, allowed: bool, now: float) -> None:
        self._known.pop(user_id, None)
        while self._known:
            oldest_id, (_, asked_at) = next(iter(self._known.items()))
            if now - asked_at < self._cache_seconds and len(self._known) < self._cache_size:
                break
            del self._known[oldest_id]
        self._known[user_id] = (allowed, now)
