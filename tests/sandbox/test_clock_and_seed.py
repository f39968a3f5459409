"""The sandbox clock and the sample data it starts with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.sandbox.clock import SandboxClock
from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.people import SANDBOX_TOKEN
from bot.sandbox.runner import SandboxRefused, sandbox_clock
from bot.sandbox.seed import seed_once
from bot.settings import load_settings
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


async def test_fake_api_dates_messages_by_its_clock() -> None:
    moment = int(NOON.timestamp())
    async with FakeBotAPI(clock=lambda: moment) as api:
        user = api.user(7001, "Анна")
        await user.send("/start")
        async with aiohttp.ClientSession() as session:
            url = f"{api.base_url}/bot{api.token}/sendMessage"
            async with session.post(url, json={"chat_id": 7001, "text": "Здравствуйте"}) as answer:
                sent = await answer.json()
    assert sent["result"]["date"] == moment
    chat = api.chat_state(7001)
    assert [message["date"] for message in chat.user_messages.values()] == [moment]
    assert [message.date for message in chat.transcript] == [moment]


def test_frozen_sandbox_clock_starts_at_local_time() -> None:
    settings = load_settings(bot_token=SANDBOX_TOKEN, timezone="Asia/Yekaterinburg")
    clock = sandbox_clock(settings, datetime(2036, 3, 3, 12, 0))
    frozen = datetime(2036, 3, 3, 7, 0, tzinfo=UTC)
    assert clock() == frozen
    assert clock() == frozen  # still until fast-forward
    assert clock.advance(timedelta(hours=1)) == frozen + timedelta(hours=1)
    with pytest.raises(SandboxRefused, match="future"):
        sandbox_clock(settings, datetime(2020, 1, 1, 9, 0))
