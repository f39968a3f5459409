"""End-to-end: the process's edges. Private file modes, no token in any output of a failing
start, and a webhook that refuses bad requests without tracebacks or user text in logs."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import TOKEN, RunBot, RunBotOnce
from tests.e2e.test_production import free_port

SECRET = "s3cret-value"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    """Processes started inside inherit this umask."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


async def test_database_wal_shm_and_backups_are_private_whatever_the_umask(
    fake_api: FakeBotAPI, run_bot: RunBot, run_bot_once: RunBotOnce, tmp_path: Path
) -> None:
    anna = fake_api.user(1001, "Анна", language_code="ru")
    data = tmp_path / "data" / "season"
    db_path = data / "bot.sqlite3"
    with umask(0o000):
        bot = await run_bot(db_path=db_path)
    await anna.send("/start")
    await anna.wait_message("Здравствуйте")
    files = [db_path, db_path.with_name("bot.sqlite3-wal"), db_path.with_name("bot.sqlite3-shm")]
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert (mode(data), mode(data.parent)) == (0o700, 0o700)

    backups = tmp_path / "backups" / "nightly"
    target = backups / "copy.sqlite3"
    with umask(0o000):
        code, _, err = await run_bot_once(
            env={"DATABASE_PATH": str(db_path)}, args=["backup", str(target)]
        )
    assert code == 0, err
    assert (mode(target), mode(backups), mode(backups.parent)) == (0o600, 0o700, 0o700)
    assert await bot.stop() == 0

    # A database left 0644 by an older version is narrowed at the next start.
    for path in files:
        if path.exists():
            path.chmod(0o644)
    with umask(0o022):
        bot = await run_bot(db_path=db_path)
    await anna.send("/help")
    await anna.wait_message("/forget_me")
    assert all(mode(f) == 0o600 for f in files if f.exists())
    assert await bot.stop() == 0


async def test_no_failing_start_prints_the_token(
    fake_api: FakeBotAPI, run_bot_once: RunBotOnce, tmp_path: Path
) -> None:
    private = TOKEN.split(":", 1)[1]
    refused = "654321:REFUSED-token_xyz987"
    newer_db = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer_db) as conn:
        conn.execute("PRAGMA user_version = 9999")
    bad_faq = tmp_path / "faq.yml"
    bad_faq.write_text("- id: x\n", encoding="utf-8")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    starts = {
        "invalid port in the URL": {"TELEGRAM_API_URL": "http://127.0.0.1:99999"},
        "nothing listens": {"TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}"},
        "token refused": {"BOT_TOKEN": refused},
        "database is a folder": {"DATABASE_PATH": str(tmp_path)},
        "database from the future": {"DATABASE_PATH": str(newer_db)},
        "invalid FAQ file": {"FAQ_PATH": str(bad_faq)},
        "webhook port taken": {
            "WEBHOOK_URL": "https://example.org/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_PORT": str(busy.getsockname()[1]),
        },
    }
    try:
        for name, env in starts.items():
            code, out, err = await run_bot_once(env={"LOG_LEVEL": "DEBUG", **env})
            assert code != 0, name
            assert err.strip(), name  # it did say why
            for secret in (TOKEN, private, refused, refused.split(":", 1)[1], SECRET):
                assert secret not in out + err, f"{name}: {secret} printed"
    finally:
        busy.close()


async def _raw_post(port: int, path: str, headers: dict[str, str], body: bytes) -> int:
    """POST with raw bytes (aiohttp's client would refuse a non-ASCII header); the status."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def test_webhook_refuses_bad_requests_quietly(fake_api: FakeBotAPI, run_bot: RunBot) -> None:
    port = free_port()
    anna = fake_api.user(1001, "Анна", language_code="ru")
    bot = await run_bot(
        env={
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": None,  # the default: 127.0.0.1
            "WEBHOOK_PORT": str(port),
            "LOG_LEVEL": "INFO",
        }
    )
    path = "/telegram/hook"
    good = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    phone = "+79991234567"
    not_update = f'{{"message": {{"text": "мой телефон {phone}"}}}}'.encode()
    lines_before = len(bot.stderr_text().splitlines())

    assert await _raw_post(port, path, {"X-Telegram-Bot-Api-Secret-Token": "секрет"}, b"{}") == 401
    assert await _raw_post(port, path, good, b"not json {") == 400
    assert await _raw_post(port, path, good, "\xff".encode("latin-1")) == 400
    assert await _raw_post(port, path, good, b"[1, 2]") == 400
    assert await _raw_post(port, path, good, not_update) == 400
    for _ in range(200):
        assert await _raw_post(port, path, {}, b"{}") == 401

    # The bot still serves real updates.
    await anna.send("/start")
    await anna.wait_message("Здравствуйте")
    assert await bot.stop() == 0
    log = bot.stderr_text()
    assert "Traceback" not in log and bot.error_lines() == []
    assert phone not in log and "input_value" not in log and "aiohttp.access" not in log
    # No access log: 205 refused requests add the 4 lines about refused bodies, a few more.
    assert len(log.splitlines()) - lines_before < 20
