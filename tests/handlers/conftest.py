"""Fixtures for handler tests: a real app on a temporary database and a recording session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.settings import Settings
from tests.handlers.rig import UpdateFactory
from tests.recording import RecordingSession

ADMIN_ID = 9001


@pytest.fixture
def updates() -> UpdateFactory:
    return UpdateFactory()


@pytest.fixture
async def app(tmp_path: Path, session: RecordingSession) -> AsyncIterator[App]:
    settings = Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        _env_file=None,  # type: ignore[call-arg]
    )
    application = build_app(settings, session=session)
    await application.db.connect()
    yield application
    await application.db.close()
