"""End-to-end fixtures: the fake Bot API server and the real bot (``python -m bot``) as a process.

``fake_api`` is a started :class:`~bot.sandbox.fakeapi.FakeBotAPI`; ``run_bot`` starts the bot
against it and waits until it polls; ``run_bot_once`` runs it to completion (for
settings errors). Bot processes left running are killed at teardown, and when a test
fails the tail of each bot's stderr is added to the report.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import pytest

from bot.sandbox.fakeapi import FakeBotAPI
from tests.fakeapi.process import (
    READY_TIMEOUT,
    BotProcess,
    build_env,
    run_once,
    spawn,
    wait_until_ready,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token_ABCdef"
BOT_USERNAME = "seminar_test_bot"

_BOTS = pytest.StashKey[list[BotProcess]]()

Env = Mapping[str, str | None]


class RunBot(Protocol):
    def __call__(
        self,
        env: Env | None = None,
        db_path: Path | None = None,
        *,
        wait_ready: bool = True,
    ) -> Awaitable[BotProcess]: ...


RunBotOnce = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.failed:
        for bot in item.stash.get(_BOTS, []):
            status = "running" if bot.returncode is None else f"exit code {bot.returncode}"
            report.sections.append(
                (f"{bot.name} stderr tail ({status}, {bot.stderr_path})", bot.stderr_tail())
            )
    return report


async def eventually(check: Callable[[], bool], timeout: float = 30.0) -> bool:  # noqa: ASYNC109
    """Poll a condition the bot process makes true (a row it writes) until a deadline."""
    deadline = time.monotonic() + timeout
    for _ in itertools.count():
        if check():
            return True
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    return False


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN, bot_username=BOT_USERNAME) as api:
        yield api


def _defaults(api: FakeBotAPI, db_path: Path) -> dict[str, str]:
    return {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.base_url,
        "DATABASE_PATH": str(db_path),
        "LOG_LEVEL": "DEBUG",
    }


@pytest.fixture
def bot_module() -> str:
    """The module run as ``python -m``; override to point the fixtures at a stand-in bot."""
    return "bot"


@pytest.fixture
async def run_bot(
    fake_api: FakeBotAPI, tmp_path: Path, request: pytest.FixtureRequest, bot_module: str
) -> AsyncIterator[RunBot]:
    """``bot = await run_bot(env={...}, db_path=None, wait_ready=True)``.

    Ready means: the bot made its first getUpdates (or, with WEBHOOK_URL set, its first
    setWebhook) since it was started. The database defaults to ``tmp_path/bot.sqlite3``,
    so a second ``run_bot()`` in the same test restarts on the same data.
    """
    bots = request.node.stash.setdefault(_BOTS, [])
    numbers = itertools.count(1)

    async def start(
        env: Env | None = None, db_path: Path | None = None, *, wait_ready: bool = True
    ) -> BotProcess:
        database = db_path or tmp_path / "bot.sqlite3"
        full_env = build_env(_defaults(fake_api, database), env)
        since = len(fake_api.requests)
        bot = await spawn(bot_module, full_env, REPO_ROOT, tmp_path, f"bot-{next(numbers)}")
        bots.append(bot)
        if wait_ready:
            method = "setWebhook" if full_env.get("WEBHOOK_URL") else "getUpdates"
            await wait_until_ready(fake_api, bot, since=since, method=method)
        return bot

    yield start
    for bot in bots:
        bot.kill()
    for bot in bots:
        await bot.process.wait()


@pytest.fixture
def run_bot_once(fake_api: FakeBotAPI, tmp_path: Path, bot_module: str) -> RunBotOnce:
    """``code, stdout, stderr = await run_bot_once(env={...}, args=[...])``: run to the end."""

    async def run(
        env: Env | None = None,
        timeout: float = READY_TIMEOUT,  # noqa: ASYNC109
        args: Sequence[str] = (),
    ) -> tuple[int, str, str]:
        full_env = build_env(_defaults(fake_api, tmp_path / "bot.sqlite3"), env)
        return await run_once(bot_module, full_env, REPO_ROOT, timeout, args)

    return run
