"""aiogram FSM storage in SQLite, so a dialog survives a restart of the bot.

aiogram reads the state of every update's user before any handler runs, so the
storage keeps a write-through cache: reads of recently active users cost no
database round trip, and writes that change nothing are skipped. The bot is the
only writer of this table, which keeps the cache coherent.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from storage.database import Database

CACHE_SIZE = 5000


@dataclass
class _Entry:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._keys = DefaultKeyBuilder(with_destiny=True)
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._cache_size = cache_size

    async def _entry(self, key: str) -> _Entry:
        entry = self._cache.get(key)
        if entry is None:
            row = await self._db.fetch_one(
                "SELECT state, data FROM fsm_states WHERE key = ?", (key,)
            )
            entry = _Entry(row["state"], json.loads(row["data"])) if row else _Entry()
            self._cache[key] = entry
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return entry

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = self._keys.build(key)
        value = state.state if isinstance(state, State) else state
        entry = await self._entry(name)
        if entry.state == value:
            return
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, state) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET state = excluded.state
            """,
            (name, value),
        )
        entry.state = value

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._entry(self._keys.build(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = self._keys.build(key)
        entry = await self._entry(name)
        new = dict(data)
        if entry.data == new:
            return
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, data) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET data = excluded.data
            """,
            (name, json.dumps(new, ensure_ascii=False)),
        )
        entry.data = copy.deepcopy(new)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._entry(self._keys.build(key))).data)

    async def close(self) -> None:
        """The database is closed by the app, after the dispatcher stops."""
