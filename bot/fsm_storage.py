"""aiogram's FSM storage over `storage.dialogs.DialogStore`, so a dialog survives a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from storage.dialogs import DialogStore


class SQLiteStorage(BaseStorage):
    def __init__(self, dialogs: DialogStore) -> None:
        self._dialogs = dialogs
        # `...:<user_id>:<destiny>` at the end, as the store expects.
        self._keys = DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._dialogs.set_state(self._keys.build(key), value)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._dialogs.get_state(self._keys.build(key))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._dialogs.set_data(self._keys.build(key), data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self._dialogs.get_data(self._keys.build(key))

    async def close(self) -> None:
        """The database is closed by the app, after the dispatcher stops."""
