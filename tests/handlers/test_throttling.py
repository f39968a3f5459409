"""Flood protection: the window, one notice per burst, admins exempt."""

from __future__ import annotations

import pytest
from aiogram.methods import SendMessage

from bot.app import FLOOD_LIMIT, App
from bot.throttling import FloodGate
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_gate_admits_up_to_the_limit_then_warns_once() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=3, window=10, monotonic=clock)
    assert [gate.admit(1) for _ in range(3)] == [(True, False)] * 3
    assert gate.admit(1) == (False, True)
    assert gate.admit(1) == (False, False)
    assert gate.admit(2) == (True, False), "other users are not affected"
    clock.now = 10.0
    assert gate.admit(1) == (True, False), "the window slides"


def test_quiet_users_are_forgotten() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=1, window=5, monotonic=clock)
    gate.admit(1)
    clock.now = 100.0
    gate.admit(2)
    assert gate.admit(1) == (True, False)


async def test_flood_is_dropped_with_one_notice_and_one_log_line(
    app: App, session: RecordingSession, updates: UpdateFactory, caplog: pytest.LogCaptureFixture
) -> None:
    user = updates.tg_user(77)
    for _ in range(FLOOD_LIMIT + 5):
        await feed(app, updates.message(user, "/help"))
    texts = session.texts(77)
    assert len(texts) == FLOOD_LIMIT + 1
    assert texts.count(texts[-1]) == 1 and "Слишком много" in texts[-1]
    flood_lines = [r for r in caplog.records if r.name == "bot.throttling"]
    assert len(flood_lines) == 1 and "77" in flood_lines[0].getMessage()


async def test_admins_are_exempt(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    for _ in range(FLOOD_LIMIT + 5):
        await feed(app, updates.message(admin, "/help"))
    assert len(session.of_type(SendMessage)) == FLOOD_LIMIT + 5
