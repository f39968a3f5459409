"""`make screenshots`: pictures of the sandbox for docs/ (the guides), taken in headless Chromium.

Runs a fresh sandbox in a temporary folder, plays the guides' stories through the page
and saves one PNG per step into docs/img/, so the pictures show the bot as it is now.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.driver import (
    ChatPage,
    find_chromium,
    launch,
    publish_seminar,
    register_for_seminar,
    run_sandbox,
)

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
SEMINAR = "Социальное предпринимательство: с чего начать"
ONLINE = "Отчётность по президентским грантам"


def shot(page: Page, name: str) -> None:
    page.mouse.move(1, 1)  # no hover effects in the picture
    page.wait_for_timeout(300)  # let the last bubble's scroll settle before the picture
    page.screenshot(path=str(IMAGES / f"{name}.png"))
    print(f"docs/img/{name}.png")


def participant(chat: ChatPage) -> None:
    chat.be("anna")
    chat.key("Начать")
    chat.bubble("Здравствуйте, Анна")
    shot(chat.page, "participant-start")
    register_for_seminar(chat, SEMINAR, "Петрова Анна Сергеевна", "АНО «Забота»")
    shot(chat.page, "participant-registered")
    chat.press("Добавить в календарь")
    chat.download(".ics")
    shot(chat.page, "participant-calendar")
    with chat.new_bubble("Ближайшие семинары"):
        chat.send("/seminars")
    with chat.new_bubble(ONLINE):
        chat.press(ONLINE)
    with chat.new_bubble("Вы записаны"):
        chat.press("Записаться")
    chat.fast_forward(24)
    chat.bubble("Напоминание о семинаре")
    shot(chat.page, "participant-reminder")
    chat.send("Можно ли прийти вдвоём с коллегой?")
    chat.press("Задать вопрос организаторам")
    chat.bubble("отправлен")


def organiser(chat: ChatPage) -> None:
    chat.be("olga")
    chat.key("Начать")
    chat.bubble("Здравствуйте")
    starts = (datetime.now() + timedelta(days=14)).strftime("%d.%m.%Y 11:00")
    publish_seminar(
        chat,
        "Как рассказать о социальном проекте",
        starts,
        "Тюмень, ул. Республики, 142, зал 3",
        30,
        on_preview=lambda: shot(chat.page, "organiser-preview"),
    )
    shot(chat.page, "organiser-published")

    chat.be("staff")
    question = chat.bubble("прийти вдвоём с коллегой")
    shot(chat.page, "organiser-question")
    question.locator(".inline-button", has_text="Ответить").click()
    chat.bubble("напишите ответ")
    chat.send("Да, возьмите коллегу с собой, места хватит.")
    chat.bubble("Ответил(а): Ольга")
    shot(chat.page, "organiser-answered")

    chat.be("olga")
    chat.send("/broadcast")
    chat.press("Всем")
    chat.send("Друзья, в пятницу открываем запись на весенние семинары. Следите за новостями!")
    chat.bubble("Отправить?")
    shot(chat.page, "organiser-broadcast-preview")
    chat.press("Отправить")
    chat.bubble("Доставлено")
    shot(chat.page, "organiser-broadcast-done")

    chat.send("/export")
    chat.press(SEMINAR)
    chat.download(".xlsx")
    shot(chat.page, "organiser-export")


def main() -> int:
    executable = find_chromium()
    if executable is None:
        print("Chromium is not installed: run make system-deps first", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as workdir,
        run_sandbox(Path(workdir)) as sandbox,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, executable)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 800}, locale="ru-RU"
        )
        chat = ChatPage(context.new_page())
        chat.open(sandbox.url)
        participant(chat)
        organiser(chat)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
