"""The dialog store: cached reads and writes, and forgetting every dialog of one user."""

from __future__ import annotations

from storage.database import Database
from storage.dialogs import DialogStore

# Keys as the bot's FSM adapter builds them: fsm:<chat>[:<thread>]:<user>:<destiny>.
ANNA_PRIVATE = "fsm:1001:1001:default"
ANNA_IN_GROUP = "fsm:-100500:1001:default"
ANNA_IN_TOPIC = "fsm:-100500:7:1001:default"
BORIS_IN_GROUP = "fsm:-100500:1002:default"
ANNA_AS_CHAT = "fsm:1001:1002:default"  # Boris's dialog in a chat whose id is Anna's user id


async def test_a_dialog_survives_a_new_store(db: Database) -> None:
    store = DialogStore(db)
    await store.set_state(ANNA_PRIVATE, "ProfileForm:phone")
    await store.set_data(ANNA_PRIVATE, {"full_name": "Анна"})

    fresh = DialogStore(db)
    assert await fresh.get_state(ANNA_PRIVATE) == "ProfileForm:phone"
    assert await fresh.get_data(ANNA_PRIVATE) == {"full_name": "Анна"}


async def test_forgetting_a_user_removes_their_dialogs_in_every_chat_and_no_other(
    db: Database,
) -> None:
    store = DialogStore(db)
    for key in (ANNA_PRIVATE, ANNA_IN_GROUP, ANNA_IN_TOPIC, BORIS_IN_GROUP, ANNA_AS_CHAT):
        await store.set_state(key, "Dialog:step")
        await store.set_data(key, {"answer": key})

    async with db.transaction() as tx:
        assert await store.forget_user(tx, 1001) == 3

    for key in (ANNA_PRIVATE, ANNA_IN_GROUP, ANNA_IN_TOPIC):  # the cache forgot them too
        assert await store.get_state(key) is None
        assert await store.get_data(key) == {}
    for key in (BORIS_IN_GROUP, ANNA_AS_CHAT):
        assert await store.get_data(key) == {"answer": key}
    rows = await db.fetch_all("SELECT key FROM fsm_states ORDER BY key")
    assert [row["key"] for row in rows] == sorted([BORIS_IN_GROUP, ANNA_AS_CHAT])
