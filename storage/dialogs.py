"""Stored dialog (FSM) state: the one owner of the `fsm_states` table.

A dialog survives a restart of the bot because its step and answers are stored here.
The bot's FSM adapter reads every update's state before any handler runs, so this
store keeps a write-through cache: reads of recently active users cost no database
round trip, and writes that change nothing are skipped. Everything that writes the
table goes through this store, which keeps the cache coherent.

Keys are opaque here except for their end: `...:<user_id>:<destiny>`, which is how
forgetting a user finds every dialog of theirs, in any chat.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.database import Database, Executor

CACHE_SIZE = 5000


@dataclass
class DialogState:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _key_user(key: str) -> str | None:
    parts = key.split(":")
    return parts[-2] if len(parts) >= 3 else None


class DialogStore:
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._cache: OrderedDict[str, DialogState] = OrderedDict()
        self._cache_size = cache_size

    async def _entry(self, key: str) -> DialogState:
        entry = self._cache.get(key)
        if entry is None:
            row = await self._db.fetch_one(
                "SELECT state, data FROM fsm_states WHERE key = ?", (key,)
            )
            entry = DialogState(row["state"], json.loads(row["data"])) if row else DialogState()
            self._cache[key] = entry
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return entry

    async def get_state(self, key: str) -> str | None:
        return (await self._entry(key)).state

    async def get_data(self, key: str) -> dict[str, Any]:
        return copy.deepcopy((await self._entry(key)).data)

    async def set_state(self, key: str, state: str | None) -> None:
        entry = await self._entry(key)
        if entry.state == state:
            return
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, state) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET state = excluded.state
            """,
            (key, state),
        )
        entry.state = state

    async def set_data(self, key: str, data: Mapping[str, Any]) -> None:
        entry = await self._entry(key)
        new = dict(data)
        if entry.data == new:
            return
        await self._db.execute(
            """
            INSERT INTO fsm_states (key, data) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET data = excluded.data
            """,
            (key, json.dumps(new, ensure_ascii=False)),
        )
        entry.data = copy.deepcopy(new)

    async def forget_user(self, tx: Executor, user_id: int) -> int:
        """Delete every dialog of the user, in every chat, inside the caller's transaction.

        Answers typed into an unfinished dialog may hold personal data. The cached copies
        go at once; should the transaction roll back, the next read loads the rows again.
        """
        rows = await tx.fetch_all(
            "SELECT key FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:%",)
        )
        keys = [row["key"] for row in rows if _key_user(row["key"]) == str(user_id)]
        for key in keys:
            await tx.execute("DELETE FROM fsm_states WHERE key = ?", (key,))
        for key in [key for key in self._cache if _key_user(key) == str(user_id)]:
            del self._cache[key]
        return len(keys)
