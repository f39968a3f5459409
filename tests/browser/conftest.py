"""Fixtures: Debian's Chromium under Playwright, and a running sandbox for each test.

Without Chromium (`make system-deps` installs it) the browser tests skip and say why;
under CI (CI set) they fail instead: CI runs `make system-deps` first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.driver import ChatPage, Sandbox, find_chromium, launch, run_sandbox


# Module scope, not session: sync Playwright runs an event loop of its own, which must be
# gone before the asyncio tests of other folders start theirs.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        reason = "Chromium is not installed (make system-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests")
        pytest.skip(f"{reason}: browser tests skipped")
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with run_sandbox(tmp_path) as running:
        yield running


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def chat(page: Page, sandbox: Sandbox) -> ChatPage:
    chat = ChatPage(page)
    chat.open(sandbox.url)
    return chat
