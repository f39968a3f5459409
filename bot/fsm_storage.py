"""aiogram FSM storage in SQLite, so a dialog survives a restart of the bot."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from storage.database import Database


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database) -> None:
        self._db = db
        self._keys = DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, state) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET state = excluded.state
            """,
            (self._keys.build(key), value),
        )

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._db.fetch_one(
            "SELECT state FROM fsm_states WHERE key = ?", (self._keys.build(key),)
        )
        return row["state"] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, data) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET data = excluded.data
            """,
            (self._keys.build(key), json.dumps(dict(data), ensure_ascii=False)),
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._db.fetch_one(
            "SELECT data FROM fsm_states WHERE key = ?", (self._keys.build(key),)
        )
        if row is None:
            return {}
        data: dict[str, Any] = json.loads(row["data"])
        return data

    async def close(self) -> None:
        """The database is closed by the app, after the dispatcher stops."""
