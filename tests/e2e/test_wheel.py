"""The installed package, not the checkout: the wheel is built, installed into a fresh venv and
started as `python -m bot` from a folder outside the repository, against the fake Bot API.

Offline and quick: the wheel is built without build isolation by the project venv's setuptools,
and the fresh venv sees the already installed dependencies through a path file instead of
downloading them; the bot's own code comes only from the wheel.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO_ROOT, TOKEN
from tests.fakeapi import FakeBotAPI
from tests.fakeapi.process import BotProcess, build_env, wait_until_ready

pytestmark = pytest.mark.packaging

SOURCES = ("pyproject.toml", "README.md", "bot", "handlers", "storage")
# A question from the bundled FAQ and words of its answer.
FAQ_QUESTION = "как мне получить статус соц предприятия?"
FAQ_ANSWER = "Мой бизнес"
# The first start of a fresh venv imports everything cold; generous on a loaded machine.
START_TIMEOUT = 90.0


def _run(*args: str | Path, cwd: Path) -> None:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"


def build_wheel(workdir: Path) -> Path:
    """The wheel from a copy of the sources, so the build leaves nothing in the checkout."""
    source = workdir / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    dist = workdir / "dist"
    _run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"),
        *("--quiet", "--wheel-dir", dist, source),
        cwd=workdir,
    )
    [wheel] = dist.glob("seminar_bot-*.whl")
    return wheel


def venv_with(wheel: Path, workdir: Path) -> Path:
    """A fresh venv holding the wheel; returns its python."""
    venv = workdir / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=workdir)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet"),
        wheel,
        cwd=workdir,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _bot_location(python: Path, cwd: Path) -> str:
    return subprocess.run(
        [python, "-c", "import bot, handlers.admin_seminars, storage; print(bot.__file__)"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


async def test_the_installed_wheel_runs_the_bot(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    wheel = await asyncio.to_thread(build_wheel, tmp_path)
    python = await asyncio.to_thread(venv_with, wheel, tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = await asyncio.to_thread(_bot_location, python, outside)
    assert where.startswith(str(tmp_path / "venv")), where

    env = build_env(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake_api.base_url,
            "DATABASE_PATH": str(outside / "bot.sqlite3"),
        },
        None,
    )
    stdout, stderr = outside / "bot.stdout.log", outside / "bot.stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            python,
            "-m",
            "bot",
            cwd=outside,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    bot = BotProcess(process, "installed-bot", stdout, stderr, env)
    try:
        await wait_until_ready(fake_api, bot, since=0, timeout=START_TIMEOUT)
        anna = fake_api.user(1001, "Анна", language_code="ru")
        await anna.send("/start")  # the locales are in the package
        await anna.wait_message("Здравствуйте")
        await anna.send(FAQ_QUESTION)  # so is the bundled FAQ
        await anna.wait_message(FAQ_ANSWER)
        await anna.send("/seminars")  # and the migrations made the tables
        await anna.wait_message("семинар")
    except BaseException:
        bot.kill()
        await bot.process.wait()
        raise
    fake_api.assert_no_rejections()
    assert await bot.stop() == 0
