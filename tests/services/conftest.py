"""Fixtures for service tests: the real app on a temporary database, with a clock tests set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.settings import Settings
from tests.recording import RecordingSession

ADMIN_ID = 9001


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 10, 6, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        broadcast_rate=1000,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def app(
    settings: Settings, clock: FakeClock, session: RecordingSession
) -> AsyncIterator[App]:
    application = build_app(settings, clock=clock, session=session)
    await application.db.connect()
    # Started paused: jobs land in the job store (so replacing works as in production)
    # but never fire on their own; tests run them by calling the job function.
    application.scheduler.start(paused=True)
    yield application
    application.scheduler.shutdown(wait=False)
    await application.certificates.batches.shutdown()
    await application.materials.batches.shutdown()
    await application.db.close()
