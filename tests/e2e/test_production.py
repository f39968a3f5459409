"""End-to-end: webhook mode with its secret, the backup command, flood protection."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import aiohttp

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import RunBot, RunBotOnce


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_checks_the_secret(fake_api: FakeBotAPI, run_bot: RunBot) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    anna = fake_api.user(1001, "Анна", language_code="ru")
    bot = await run_bot(
        env={
            "WEBHOOK_URL": url,
            "WEBHOOK_SECRET": "s3cret-value",
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        }
    )
    [registered] = fake_api.calls("setWebhook")
    assert registered["url"] == url and registered["secret_token"] == "s3cret-value"

    await anna.send("/start")
    await anna.wait_message("Здравствуйте")

    forged = fake_api.make_update("message", anna.build_message("/help"))
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 401
    await anna.assert_no_new_messages(within=1.0)

    # 200 only once the update was handled: its reply is already out when the answer comes.
    before = len(anna.messages)
    genuine = fake_api.make_update("message", anna.build_message("/help"))
    async with aiohttp.ClientSession() as http:
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
        async with http.post(url, json=genuine, headers=headers) as response:
            assert response.status == 200
    assert len(anna.messages) == before + 1
    fake_api.assert_no_rejections()
    assert await bot.stop() == 0


async def test_backup_command_copies_the_database(
    fake_api: FakeBotAPI, run_bot: RunBot, run_bot_once: RunBotOnce, tmp_path: Path
) -> None:
    anna = fake_api.user(1001, "Анна", language_code="ru")
    db_path = tmp_path / "live.sqlite3"
    bot = await run_bot(db_path=db_path)
    await anna.send("/start")
    await anna.wait_message("Здравствуйте")
    target = tmp_path / "backups" / "copy.sqlite3"
    code, out, err = await run_bot_once(
        env={"DATABASE_PATH": str(db_path)}, args=["backup", str(target)]
    )
    assert code == 0, err
    assert str(target) in out
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT id FROM users").fetchall() == [(1001,)]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert await bot.stop() == 0


async def test_replies_wait_out_a_429(fake_api: FakeBotAPI, run_bot: RunBot) -> None:
    anna = fake_api.user(1001, "Анна", language_code="ru")
    await run_bot()
    fake_api.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 1", times=2, retry_after=1
    )
    await anna.send("/start")
    greeting = await anna.wait_message("Здравствуйте", timeout=15)
    assert greeting.buttons
    assert len([r for r in fake_api.rejected if r.method == "sendMessage"]) == 2
    fake_api.assert_no_rejections()
