"""Stored dialog (FSM) state, as far as forgetting a user needs it.

`bot.fsm_storage` reads and writes single keys for aiogram; this removes every key of
one user (answers typed into an unfinished dialog may hold personal data).
"""

from __future__ import annotations

from storage.database import Executor


def _key_user(key: str) -> str | None:
    # aiogram keys end in `...:<chat_id>[:<thread_id>]:<user_id>:<destiny>`.
    parts = key.split(":")
    return parts[-2] if len(parts) >= 3 else None


class DialogStateRepository:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def forget_user(self, user_id: int) -> int:
        rows = await self._db.fetch_all(
            "SELECT key FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:%",)
        )
        keys = [row["key"] for row in rows if _key_user(row["key"]) == str(user_id)]
        for key in keys:
            await self._db.execute("DELETE FROM fsm_states WHERE key = ?", (key,))
        return len(keys)
