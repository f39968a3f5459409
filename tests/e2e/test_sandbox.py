"""`python -m bot sandbox` as a real process: refusals, and the page's WebSocket end to end.

The browser tests (tests/browser/) drive the same page in Chromium; these need no browser.
"""

# Waits take a timeout on purpose: on expiry they say what the page last showed.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakeapi.process import READY_TIMEOUT, BotProcess, build_env, run_once, spawn

START_TIMEOUT = READY_TIMEOUT
State = dict[str, Any]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _sandbox_once(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    code, _out, err = await run_once(
        "bot", build_env({}, env), tmp_path, READY_TIMEOUT, ["sandbox", *args]
    )
    return code, err


async def test_refuses_with_webhook_url(tmp_path: Path) -> None:
    code, err = await _sandbox_once(
        tmp_path, {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "s3cret"}
    )
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "WEBHOOK_URL" in lines[0]


async def test_refuses_the_production_database(tmp_path: Path) -> None:
    code, err = await _sandbox_once(
        tmp_path, {"DATABASE_PATH": "data/bot.sqlite3"}, "--database", "data/bot.sqlite3"
    )
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "DATABASE_PATH" in lines[0]
    assert not (tmp_path / "data" / "bot.sqlite3").exists()


async def test_refuses_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = await _sandbox_once(tmp_path, {}, "--port", str(port))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and f"Port {port}" in lines[0]


async def test_without_token_the_bot_itself_still_refuses(tmp_path: Path) -> None:
    code, _out, err = await run_once("bot", build_env({}), tmp_path, READY_TIMEOUT)
    assert code == 2 and "BOT_TOKEN" in err


class Page:
    """The page's side of the WebSocket: the latest state and the popups."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.state: State = {}
        self.popups: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            async with self._changed:
                if data["type"] == "state":
                    self.state = data
                else:
                    self.popups.append(data)
                self._changed.notify_all()

    async def act(self, **action: Any) -> None:
        await self.ws.send_str(json.dumps(action))

    async def wait(self, check: Callable[[], Any], timeout: float = 30.0) -> Any:
        try:
            async with asyncio.timeout(timeout), self._changed:
                return await self._changed.wait_for(check)
        except TimeoutError:
            raise AssertionError(
                f"the page never showed that; it shows {json.dumps(self.state)[-3000:]}"
            ) from None

    def messages(self, chat: str) -> list[dict[str, Any]]:
        return list(self.state.get("chats", {}).get(chat, {}).get("messages", []))

    def find(self, chat: str, needle: str) -> dict[str, Any] | None:
        found = [m for m in self.messages(chat) if needle in m["text"] and not m["outgoing"]]
        return found[-1] if found else None

    async def close(self) -> None:
        self._reader.cancel()
        await self.ws.close()


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[tuple[str, BotProcess]]:
    port = _free_port()
    process = await spawn(
        "bot", build_env({}), tmp_path, tmp_path, "sandbox", ["sandbox", "--port", str(port)]
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while f"open {url}" not in process.stdout_text():
                if process.returncode is not None:
                    raise AssertionError(f"sandbox exited: {process.stderr_tail()}")
                await asyncio.sleep(0.1)
        yield url, process
    finally:
        await process.stop()


@pytest.fixture
async def page(sandbox: tuple[str, BotProcess]) -> AsyncIterator[Page]:
    url, _process = sandbox
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(f"{url.replace('http', 'ws')}/ws")
        page = Page(ws)
        await page.wait(lambda: page.state)
        yield page
        await page.close()


async def test_the_page_talks_to_the_real_bot_and_shrugs_off_forgeries(page: Page) -> None:
    await page.act(op="send", chat="john", text="/start")
    await page.wait(lambda: page.find("john", "Hello"))
    await page.act(op="send", chat="anna", text="/seminars")
    listing = await page.wait(lambda: page.find("anna", "Ближайшие семинары"))
    [online] = [b for row in listing["buttons"] for b in row if "Отчётность" in b["text"]]
    await page.act(op="press", chat="anna", message_id=listing["id"], data=online["data"])
    card = await page.wait(lambda: page.find("anna", "Онлайн, ссылка придёт перед началом"))
    assert card["buttons"][0][0]["text"].endswith("Записаться")

    # What a hand-made page could send: the bot answers a forged button as stale, the
    # sandbox ignores the rest and keeps the connection.
    forged = online["data"].rsplit(":", 1)[0] + ":999999"
    await page.act(op="press", chat="anna", message_id=listing["id"], data=forged)
    await page.act(op="press", chat="anna", message_id=424242, data="x")
    await page.act(op="forward", hours=-5)
    await page.act(op="send", chat="nobody", text="/start")
    await page.act(op="send", chat="anna", text="x" * 50_000)
    await page.wait(lambda: page.popups)
    assert page.popups[0]["text"]
    assert page.state["offset_minutes"] == 0
    await page.act(op="send", chat="anna", text="/my")
    await page.wait(lambda: page.find("anna", "Мои записи") or page.find("anna", "не записаны"))


async def test_fast_forward_delivers_due_reminders(page: Page) -> None:
    # The sample participants hold seats in a seminar six days ahead at 15:00: its first
    # reminder (a day before) is due between five and six days on, whatever the time of
    # day now; it goes out at once and the organisers' group hears about it.
    for day in range(1, 6):
        assert page.find("staff", "Разослано напоминание") is None
        await page.act(op="forward", hours=24)
        await page.wait(lambda day=day: page.state["offset_minutes"] == day * 24 * 60)
    hours = 5 * 24
    while page.find("staff", "Разослано напоминание") is None and hours < 6 * 24:
        hours += 1
        await page.act(op="forward", hours=1)
        await page.wait(lambda hours=hours: page.state["offset_minutes"] == hours * 60)
    summary = await page.wait(lambda: page.find("staff", "Разослано напоминание"))
    assert "Финансовая модель НКО" in summary["text"]


async def test_only_this_machine_and_this_page_get_in(sandbox: tuple[str, BotProcess]) -> None:
    url, _process = sandbox
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Host": "attacker.example"}) as response:
            assert response.status == 421
        async with session.get(f"{url}/files/nothing") as response:
            assert response.status == 404
        async with session.get(f"{url}/static/../runner.py") as response:
            assert response.status == 404
        async with session.get(url) as response:
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(
                f"{url.replace('http', 'ws')}/ws", headers={"Origin": "http://attacker.example"}
            )
