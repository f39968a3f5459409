"""Self-tests of the subprocess helpers, with a tiny echo bot standing in for the product."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.fakeapi import DEFAULT_TOKEN, FakeBotAPI
from tests.fakeapi.process import (
    READY_TIMEOUT,
    BotProcess,
    build_env,
    run_once,
    spawn,
    wait_until_ready,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
ECHO_BOT = "tests.fakeapi.echo_bot"

Start = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def start_echo(api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Start]:
    started: list[BotProcess] = []

    async def start(env: dict[str, str | None] | None = None) -> BotProcess:
        defaults = {"BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_URL": api.base_url}
        since = len(api.requests)
        bot = await spawn(
            ECHO_BOT, build_env(defaults, env), REPO_ROOT, tmp_path, f"echo-{len(started)}"
        )
        started.append(bot)
        await wait_until_ready(api, bot, since=since)
        return bot

    yield start
    for bot in started:
        bot.kill()
        await bot.process.wait()


async def test_bot_process_round_trip_and_restart(api: FakeBotAPI, start_echo: Start) -> None:
    anna = api.user()
    bot = await start_echo()
    assert api.calls("deleteWebhook")
    await anna.send("hello")
    reply = await anna.wait_message("echo: hello")
    query_id = await anna.press("again", message_id=reply.message_id)
    assert (await api.wait_callback_answer(query_id))["text"] == "pressed again"
    assert await bot.stop() == 0

    await start_echo()  # same update queue: "hello" was confirmed and must not come back
    await anna.send("second")
    await anna.wait_message("echo: second")
    assert [m.text for m in anna.messages] == ["echo: hello", "echo: second"]
    api.assert_no_rejections()


async def test_kill_and_exit_before_ready(api: FakeBotAPI, start_echo: Start) -> None:
    bot = await start_echo()
    bot.kill()
    assert await bot.wait() == -signal.SIGKILL
    with pytest.raises(AssertionError, match="exited with code 2 before its first getUpdates"):
        await start_echo({"BOT_TOKEN": None})


async def test_run_once_reports_settings_error(api: FakeBotAPI) -> None:
    env = build_env({"TELEGRAM_API_URL": api.base_url})
    code, _, stderr = await run_once(ECHO_BOT, env, REPO_ROOT, timeout=READY_TIMEOUT)
    assert code == 2
    assert "BOT_TOKEN" in stderr


def test_build_env_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_FROM_CI", "x")
    env = build_env({"BOT_TOKEN": "t", "LOG_LEVEL": "DEBUG"}, {"LOG_LEVEL": None, "X": "1"})
    assert "SECRET_FROM_CI" not in env
    assert env["BOT_TOKEN"] == "t" and env["X"] == "1" and "LOG_LEVEL" not in env
