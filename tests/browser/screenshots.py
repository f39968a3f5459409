"""`make screenshots`: pictures of the sandbox for docs/ (the guides), taken in headless Chromium.

Runs a fresh sandbox in a temporary folder, plays the guides' stories through the page
and saves one PNG per step into docs/img/, so the pictures show the bot as it is now.
The sandbox clock is frozen at one moment (it moves only by fast-forward) and the data
is always the same, so a second run writes the same pictures and git sees no change
(except where the bot draws something random: ticket codes, QR codes, certificate numbers).
Each picture is the chat alone, reduced to a small palette: a few dozen KB.

Buttons the bot's wording may change are found by their place under the message;
what a visitor types and the seminar titles (sample data) are found by text.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.driver import (
    WAIT_MS,
    ChatPage,
    find_chromium,
    launch,
    publish_seminar,
    register_for_seminar,
    run_sandbox,
)

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
# Monday 6 September 2027, 09:00 in TIMEZONE: the samples fall on 7, 9 and 12 September, a
# season's start a reader takes for real. The moment must be in the future (the bot's
# scheduler runs on real time): once it has passed, move it on by a year and rerun.
FROZEN_AT = "2027-09-06 09:00"
NEW_SEMINAR_STARTS = "20.09.2027 11:00"
SEMINAR = "Социальное предпринимательство: с чего начать"  # 6 March, 11:00
ONLINE = "Отчётность по президентским грантам"  # 4 March, 18:00
VIEWPORT = {"width": 1120, "height": 760}
COLOURS = 96


def shot(page: Page, name: str) -> None:
    """The chat column only, in a small palette, written only when it changed."""
    page.mouse.move(1, 1)  # no hover effects in the picture
    expect(page.locator("#toast")).to_be_hidden(timeout=WAIT_MS)  # a button's passing note
    # A photo gets its height only once loaded, after the page scrolled to the newest bubble.
    page.wait_for_function(
        "[...document.querySelectorAll('#messages img')].every((image) => image.complete)",
        timeout=WAIT_MS,
    )
    page.evaluate(
        "() => { const box = document.getElementById('messages');"
        " box.scrollTop = box.scrollHeight; }"
    )
    page.wait_for_timeout(300)  # let the last bubble's scroll settle before the picture
    raw = page.locator("main.chat").screenshot(animations="disabled", caret="hide")
    picture = Image.open(io.BytesIO(raw)).convert("RGB")
    small = picture.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    output = io.BytesIO()
    small.save(output, format="PNG", optimize=True)
    path = IMAGES / f"{name}.png"
    if not path.exists() or path.read_bytes() != output.getvalue():
        path.write_bytes(output.getvalue())
    print(f"docs/img/{name}.png")


def participant(chat: ChatPage) -> None:
    chat.be("anna")
    chat.key("Начать")
    chat.bubble("Анна")
    shot(chat.page, "participant-start")
    register_for_seminar(chat, SEMINAR, "Петрова Анна Сергеевна", "АНО «Забота»")
    shot(chat.page, "participant-registered")
    chat.press("Добавить в календарь")
    chat.download(".ics")
    shot(chat.page, "participant-calendar")
    with chat.new_bubble(ONLINE):
        chat.send("/seminars")
    with chat.new_bubble(ONLINE):
        chat.press(ONLINE)
    with chat.answered():
        chat.press_at(0)  # the card's first button: register
    with chat.answered():
        chat.fast_forward(24)  # 4 March, 09:00: the day-before reminder of the online seminar
    shot(chat.page, "participant-reminder")
    chat.send("/ask")
    with chat.answered():
        chat.send("Можно ли прийти вдвоём с коллегой?")


def organiser(chat: ChatPage) -> None:
    chat.be("olga")
    chat.key("Начать")
    chat.bubble("Ольга")
    publish_seminar(
        chat,
        "Как рассказать о социальном проекте",
        NEW_SEMINAR_STARTS,
        "Тюмень, ул. Республики, 142, зал 3",
        30,
        on_preview=lambda: shot(chat.page, "organiser-preview"),
    )
    shot(chat.page, "organiser-published")

    chat.be("staff")
    question = chat.bubble("прийти вдвоём с коллегой")
    shot(chat.page, "organiser-question")
    with chat.answered():
        question.locator(".inline-button").first.click()  # answer
    with chat.answered():
        chat.send("Да, возьмите коллегу с собой, места хватит.")
    shot(chat.page, "organiser-answered")

    chat.be("olga")
    with chat.answered():
        chat.send("/broadcast")
    with chat.answered():
        chat.press_at(0)  # everyone
    with chat.answered():
        chat.send("Друзья, в пятницу открываем запись на весенние семинары. Следите за новостями!")
    shot(chat.page, "organiser-broadcast-preview")
    with chat.answered():
        chat.press_at(0)  # send
    chat.bubble("Доставлено")
    shot(chat.page, "organiser-broadcast-done")

    with chat.answered():
        chat.send("/export")
    chat.press(SEMINAR)
    chat.download(".xlsx")
    shot(chat.page, "organiser-export")


def door(chat: ChatPage) -> None:
    """6 March, 10:00, an hour before the seminar: the ticket, the door QR, the list."""
    chat.fast_forward(24)
    chat.fast_forward(24)
    chat.fast_forward(1)

    chat.be("anna")
    with chat.answered():
        chat.send("/my")
    # /my lists the seminar's card button and, after it, its ticket button.
    menu = chat.page.locator(".messages .row.in").last
    with chat.answered():
        menu.locator(".inline-button", has_text=SEMINAR).last.click()
    expect(chat.page.locator(".messages .photo").last).to_be_visible(timeout=WAIT_MS)
    shot(chat.page, "participant-ticket")

    chat.be("olga")
    with chat.answered():
        chat.send("/checkin")
    with chat.answered():
        chat.press(SEMINAR)
    with chat.answered():
        chat.press_at(0, 0)  # the QR for the door
    expect(chat.page.locator(".messages .photo").last).to_be_visible(timeout=WAIT_MS)
    shot(chat.page, "organiser-door-qr")
    chat.press_at(0, 1)  # the list
    chat.press("Петрова")
    chat.bubble("✅ Петрова")
    shot(chat.page, "organiser-checkin")


def after(chat: ChatPage) -> None:
    """6 March, 16:00: the seminar is over; materials, certificates, the report."""
    chat.fast_forward(6)

    chat.be("olga")
    with chat.answered():
        chat.send("/materials")
    with chat.answered():
        chat.press(SEMINAR)
    with chat.answered():
        chat.send(
            "Презентация семинара: https://example.org/slides.pdf\nЗапись: https://example.org/video"
        )
    with chat.answered():
        chat.press_at(0)  # done
    with chat.answered():
        chat.press_at(0, 0)  # to those who came
    shot(chat.page, "organiser-materials-preview")
    with chat.answered(2):
        chat.press_at(0)  # send; then the report of the delivery
    shot(chat.page, "organiser-materials-sent")

    with chat.answered():
        chat.send("/certificates")
    with chat.answered():
        chat.press(SEMINAR)
    shot(chat.page, "organiser-certificates-preview")
    with chat.answered(2):
        chat.press_at(0)  # issue; then the report of the delivery
    shot(chat.page, "organiser-certificates-issued")

    chat.be("anna")
    chat.download(".pdf")
    shot(chat.page, "participant-certificate")

    chat.be("olga")
    with chat.answered():
        chat.send("/report")
    with chat.answered(3):
        chat.press_at(0, 0)  # this month; then the XLSX and the DOCX
    chat.download(".docx")
    shot(chat.page, "organiser-report")


def main() -> int:
    executable = find_chromium()
    if executable is None:
        print("Chromium is not installed: run make system-deps first", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as workdir,
        run_sandbox(Path(workdir), frozen_clock=FROZEN_AT) as sandbox,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright, executable)
        context = browser.new_context(accept_downloads=True, viewport=VIEWPORT, locale="ru-RU")
        chat = ChatPage(context.new_page())
        chat.open(sandbox.url)
        participant(chat)
        organiser(chat)
        door(chat)
        after(chat)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
