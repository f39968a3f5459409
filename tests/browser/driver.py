"""Driving the sandbox in headless Chromium: shared by the browser tests and the screenshots.

Chromium comes from Debian's packages (`make system-deps`); Playwright only drives it,
so `playwright install` is never needed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Download, Locator, Page, Playwright, expect

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 180.0  # a loaded machine imports the bot slowly
WAIT_MS = 20_000


def find_chromium() -> str | None:
    """Debian's Chromium binary, or None when it is not installed."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def launch(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sandbox:
    """`python -m bot sandbox` as a child process."""

    process: subprocess.Popen[str]
    url: str
    log: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextmanager
def run_sandbox(
    workdir: Path, port: int | None = None, frozen_clock: str | None = None
) -> Iterator[Sandbox]:
    """Start the sandbox in `workdir` (its database lands there) and wait for its line.

    `frozen_clock` ('YYYY-MM-DD HH:MM') keeps the sandbox clock still except for fast-forward.
    """
    port = port or free_port()
    clock = ["--frozen-clock", frozen_clock] if frozen_clock else []
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    log = workdir / "sandbox.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port), *clock],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    sandbox = Sandbox(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while f"open {sandbox.url}" not in log.read_text(encoding="utf-8"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the sandbox did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield sandbox
    finally:
        sandbox.stop()


class ChatPage:
    """The sandbox page, in the words a visitor would use."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self, url: str) -> None:
        self.page.goto(url)
        expect(self.page.locator("#clock")).not_to_be_empty(timeout=WAIT_MS)

    def be(self, who: str) -> None:
        """Switch to a person or chat by its key: anna, john, olga, staff."""
        self.page.locator(f'.person[data-chat="{who}"]').click()
        expect(self.page.locator(f'.person.active[data-chat="{who}"]')).to_be_visible()

    def send(self, text: str) -> None:
        self.page.locator("#input").fill(text)
        self.page.locator("#send").click()

    def bubble(self, text: str) -> Locator:
        """The newest message bubble on screen containing `text`, once it is there."""
        found = self.page.locator(".row", has_text=text).last
        expect(found).to_be_visible(timeout=WAIT_MS)
        return found

    @contextmanager
    def new_bubble(self, text: str) -> Iterator[None]:
        """Wait, after the block, for one more bubble containing `text` than before it."""
        rows = self.page.locator(".row", has_text=text)
        before = rows.count()
        yield
        expect(rows.nth(before)).to_be_visible(timeout=WAIT_MS)

    def _bot_messages(self) -> dict[str, str]:
        """Each bot message on screen by its id, with everything it shows.

        `textContent`, not `innerText`: a row under the mouse shows its reply arrow,
        which must not count as the bot editing the message.
        """
        found: dict[str, str] = self.page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('.messages .row.in')]
                .map((row) => [row.dataset.id, row.textContent +
                    [...row.querySelectorAll('img')].map((image) => image.src).join(' ')]))"""
        )
        return found

    @contextmanager
    def answered(self, count: int = 1) -> Iterator[None]:
        """Wait, after the block, for `count` answers from the bot in this chat.

        An answer is a new bot message or any of the bot's messages edited in place
        (a button that turns its message into the next step, a post rewritten after a reply).
        """
        before = self._bot_messages()
        yield
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            now = self._bot_messages()
            changed = sum(before.get(key) != shown for key, shown in now.items())
            if changed >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not answer {count} time(s) in {self.page.url}")
            self.page.wait_for_timeout(100)

    def press_at(self, row: int, column: int = 0) -> None:
        """A button by its place under the newest message that has buttons, not by wording."""
        keyboard = self.page.locator(".row").filter(has=self.page.locator(".inline-button")).last
        line = keyboard.locator(".inline-row").nth(row)
        found = line.locator(".inline-button").nth(column)
        expect(found).to_be_visible(timeout=WAIT_MS)
        found.click()

    def press(self, button: str) -> None:
        """The first button with this text under the newest message that has one."""
        with_button = self.page.locator(".inline-button", has_text=button)
        row = self.page.locator(".row").filter(has=with_button).last
        found = row.locator(".inline-button", has_text=button).first
        expect(found).to_be_visible(timeout=WAIT_MS)
        found.click()

    def key(self, text: str) -> None:
        """A button of the keyboard under the input field."""
        found = self.page.locator(".reply-keyboard .key", has_text=text).first
        expect(found).to_be_visible(timeout=WAIT_MS)
        found.click()

    def download(self, name_ending: str) -> Download:
        link = self.page.locator(".document", has_text=name_ending).last
        expect(link).to_be_visible(timeout=WAIT_MS)
        with self.page.expect_download() as info:
            link.click()
        return info.value

    def fast_forward(self, hours: int) -> None:
        before = self.page.locator("#clock").inner_text()
        self.page.locator(f'#forward button[data-hours="{hours}"]').click()
        expect(self.page.locator("#clock")).not_to_have_text(before, timeout=WAIT_MS)


def register_for_seminar(chat: ChatPage, title: str, name: str, organisation: str) -> None:
    """The participant's path: seminars, the card, the profile dialog, the confirmation."""
    reach_the_phone_step(chat, title, name, organisation)
    with chat.new_bubble("Вы записаны"):
        chat.key("Отправить мой номер")
    chat.bubble("профиль сохранён")


def reach_the_phone_step(chat: ChatPage, title: str, name: str, organisation: str) -> None:
    """Registering up to the question that offers the «send my number» key."""
    with chat.new_bubble("Ближайшие семинары"):
        chat.send("/seminars")
    with chat.new_bubble(title):
        chat.press(title)
    chat.press("Записаться")
    chat.bubble("/forget_me")
    chat.press("Согласен")
    chat.bubble("фамилию, имя и отчество")
    chat.send(name)
    chat.bubble("организацию")
    chat.send(organisation)
    chat.bubble("телефон")


def publish_seminar(
    chat: ChatPage,
    title: str,
    starts: str,
    place: str,
    capacity: int,
    on_preview: Callable[[], None] = lambda: None,
) -> None:
    """The organiser's /new_seminar dialog up to the published message with its link."""
    chat.send("/new_seminar")
    chat.bubble("название")
    chat.send(title)
    chat.bubble("описание")
    chat.send("Разберём, как рассказать о проекте так, чтобы его поддержали.")
    chat.bubble("ДД.ММ.ГГГГ ЧЧ:ММ")
    chat.send(starts)
    chat.bubble("место")
    chat.send(place)
    chat.bubble("сколько мест")
    chat.send(str(capacity))
    chat.bubble("так его карточку увидят участники")
    on_preview()
    chat.press("Опубликовать")
    chat.bubble("https://t.me/")
