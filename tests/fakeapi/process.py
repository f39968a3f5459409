"""Running the bot as a real subprocess against FakeBotAPI (used by tests/e2e/conftest.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.fakeapi.server import FakeBotAPI

# Importing aiogram takes over 10 s on a loaded 2-core machine; a start is slow, not hung.
READY_TIMEOUT = 120.0
# A clean stop waits up to 10 s for running handlers and 10 s for sends in flight.
STOP_TIMEOUT = 30.0
_TAIL_LINES = 60


def build_env(
    defaults: Mapping[str, str], overrides: Mapping[str, str | None] | None = None
) -> dict[str, str]:
    """A clean environment: PATH and HOME from ours, then ``defaults``, then ``overrides``.

    An override of None removes the variable (e.g. ``{"BOT_TOKEN": None}``).
    """
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    env["PYTHONUNBUFFERED"] = "1"  # logs reach the files even if the bot is killed
    env.update(defaults)
    for key, value in (overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _tail(path: Path, lines: int = _TAIL_LINES) -> str:
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class BotProcess:
    """A running ``python -m <module>``; its output goes to two files."""

    process: asyncio.subprocess.Process
    name: str
    stdout_path: Path
    stderr_path: Path
    env: dict[str, str] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def stdout_text(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stderr_tail(self, lines: int = _TAIL_LINES) -> str:
        return _tail(self.stderr_path, lines)

    def error_lines(self) -> list[str]:
        """Log lines that look like errors or tracebacks."""
        return [
            line
            for line in self.stderr_text().splitlines()
            if "Traceback" in line or " ERROR " in line or " CRITICAL " in line
        ]

    async def wait(self, timeout: float = STOP_TIMEOUT) -> int:  # noqa: ASYNC109
        """Wait for the process to exit by itself; AssertionError if it does not."""
        try:
            async with asyncio.timeout(timeout):
                return await self.process.wait()
        except TimeoutError:
            raise AssertionError(
                f"{self.name} still running after {timeout}s; stderr tail:\n{self.stderr_tail()}"
            ) from None

    async def stop(self, timeout: float = STOP_TIMEOUT) -> int:  # noqa: ASYNC109
        """SIGTERM, then wait up to ``timeout`` s; returns the exit code.

        A bot that ignores SIGTERM is killed and the test fails.
        """
        if self.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await self.wait(timeout)
        except AssertionError:
            self.kill()
            await self.process.wait()
            raise

    def kill(self) -> None:
        """SIGKILL, as a crash or power loss would."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


async def spawn(
    module: str,
    env: dict[str, str],
    cwd: Path,
    log_dir: Path,
    name: str,
    args: Sequence[str] = (),
) -> BotProcess:
    stdout_path = log_dir / f"{name}.stdout.log"
    stderr_path = log_dir / f"{name}.stderr.log"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            cwd=cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
    return BotProcess(process, name, stdout_path, stderr_path, env)


async def wait_until_ready(
    api: FakeBotAPI,
    bot: BotProcess,
    *,
    since: int,
    method: str = "getUpdates",
    timeout: float = READY_TIMEOUT,  # noqa: ASYNC109
) -> None:
    """Wait for the bot's first ``method`` request after index ``since`` of api.requests.

    Fails at once, with the bot's stderr, if the process exits first.
    """
    ready = asyncio.create_task(api.wait_request(method, timeout=timeout, since=since))
    exited = asyncio.create_task(bot.process.wait())
    try:
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (ready, exited):
            task.cancel()
    if ready.done() and not ready.cancelled() and ready.exception() is None:
        return
    if bot.returncode is not None:
        raise AssertionError(
            f"{bot.name} exited with code {bot.returncode} before its first {method}; "
            f"stderr tail:\n{bot.stderr_tail()}"
        )
    raise AssertionError(
        f"{bot.name} made no {method} request within {timeout}s; "
        f"stderr tail:\n{bot.stderr_tail()}\n{ready.exception()}"
    )


async def run_once(
    module: str,
    env: dict[str, str],
    cwd: Path,
    timeout: float = READY_TIMEOUT,  # noqa: ASYNC109
    args: Sequence[str] = (),
) -> tuple[int, str, str]:
    """Run ``python -m module [args]`` to completion; returns (exit code, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
        raise AssertionError(
            f"python -m {module} did not finish within {timeout}s; stderr:\n"
            f"{stderr.decode(errors='replace')[-4000:]}"
        ) from None
    assert process.returncode is not None
    return (
        process.returncode,
        stdout.decode("utf-8", errors="replace"),
        stderr.decode("utf-8", errors="replace"),
    )
