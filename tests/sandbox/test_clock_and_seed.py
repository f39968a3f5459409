"""The sandbox clock and the sample data it starts with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.clock import SandboxClock
from bot.sandbox.seed import seed_once
from storage.database import Database
from storage.models import SeminarFormat
from storage.repositories import Repositories

NOON = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Yekaterinburg")


def test_clock_moves_forward_only() -> None:
    clock = SandboxClock(lambda: NOON)
    assert clock() == NOON
    assert clock.advance(timedelta(hours=24)) == NOON + timedelta(hours=24)
    assert clock() == NOON + timedelta(hours=24)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(timedelta(0))


async def test_seed_writes_samples_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "sandbox.sqlite3")
    await db.connect()
    try:
        assert await seed_once(db, TZ, lambda: NOON) is True
        repos = Repositories(db)
        seminars = await repos.seminars.all()
        assert len(seminars) == 3
        assert all(s.starts_at > NOON for s in seminars)
        assert any(s.format is SeminarFormat.ONLINE and s.meeting_link for s in seminars)
        left = []
        for seminar in seminars:
            counts = await repos.registrations.counts(seminar.id)
            left.append(seminar.capacity - counts.confirmed)
        assert 1 in left  # one seminar is nearly full

        assert await seed_once(db, TZ, lambda: NOON) is False
        assert len(await repos.seminars.all()) == 3
    finally:
        await db.close()
