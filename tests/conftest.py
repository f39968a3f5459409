"""Fixtures every kind of test uses: a migrated database in a temporary folder, and a Bot API
session that records instead of sending."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from tests.recording import RecordingSession


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.sqlite3")
    await database.connect()
    yield database
    await database.close()


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()
