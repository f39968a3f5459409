"""Filters shared by the routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject


class IsAdmin(Filter):
    """True for ADMIN_IDS; checked at the moment the update is handled."""

    async def __call__(self, event: TelegramObject, is_admin: bool = False) -> bool:
        return is_admin
