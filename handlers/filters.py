"""Filters shared by the routers."""

from __future__ import annotations

from typing import Annotated

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User
from magic_filter import MagicFilter
from pydantic import Field

from bot.settings import Settings

# An id in callback data, within SQLite's INTEGER range: a forged button with a bigger
# number does not match its filter (so it is "out of date") instead of failing in SQLite.
RowId = Annotated[int, Field(ge=0, le=2**63 - 1)]


class IsAdmin(Filter):
    """True for ADMIN_IDS; checked at the moment the update is handled."""

    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin


class Magic(Filter):
    """A magic filter (`F…`) evaluated on the event loop.

    aiogram runs a bare `F` filter through `asyncio.to_thread`: a thread hop for every
    handler it tries. Wrapped, the check is a plain function call.
    """

    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self._magic.resolve(event))


NO_TEXT = Magic(~F.text)
HAS_CONTACT = Magic(F.contact)
# In a dialog a photo with a caption is text: the caption is the answer.
TYPED = Magic(F.text | F.caption)
NOT_TYPED = Magic(~F.text & ~F.caption)


def typed_text(message: Message) -> str:
    """What a dialog step reads as the answer: the text, or a photo's or document's caption."""
    return message.text or message.caption or ""


IS_COMMAND = Magic(F.text.startswith("/"))
NOT_COMMAND = Magic(~F.text.startswith("/"))
PRIVATE_CHAT = Magic(F.chat.type == "private")
ADMIN_BUTTON = Magic(F.data.startswith("adm"))


class CanCheckIn(Filter):
    """Admins and door volunteers (CHECKIN_IDS); checked when the update is handled."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and settings.can_check_in(event_from_user.id)
