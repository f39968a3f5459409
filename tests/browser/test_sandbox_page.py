"""The sandbox page in headless Chromium: a participant registers, an organiser answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.driver import (
    ChatPage,
    publish_seminar,
    reach_the_phone_step,
    register_for_seminar,
    run_sandbox,
)

SEMINAR = "Социальное предпринимательство: с чего начать"


def test_register_download_calendar_and_answer_question(chat: ChatPage, tmp_path: Path) -> None:
    chat.be("anna")
    chat.key("Начать")
    chat.bubble("Здравствуйте, Анна")

    register_for_seminar(chat, SEMINAR, "Петрова Анна Сергеевна", "АНО «Забота»")
    chat.press("Добавить в календарь")
    download = chat.download(".ics")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".ics"
    calendar = saved.read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and "SUMMARY:" + SEMINAR[:20] in calendar

    chat.send("/ask")
    chat.bubble("вопрос")
    chat.send("Можно ли прийти вдвоём с коллегой?")
    chat.bubble("отправлен")

    chat.be("staff")
    question = chat.bubble("прийти вдвоём с коллегой")
    question.locator(".inline-button", has_text="Ответить").click()
    chat.bubble("напишите ответ")
    chat.send("Да, возьмите коллегу с собой.")
    chat.bubble("Ответил(а): Ольга")

    chat.be("anna")
    answer = chat.bubble("Организаторы ответили")
    expect(answer).to_contain_text("возьмите коллегу с собой")


def test_seminar_title_with_markup_is_shown_as_text(chat: ChatPage, page: Page) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    starts = (datetime.now() + timedelta(days=10)).strftime("%d.%m.%Y 12:00")
    chat.be("olga")
    chat.key("Начать")
    publish_seminar(chat, hostile, starts, "Тюмень, <b>зал</b>", 20)

    # The published message's t.me link opens the seminar in the participant's chat.
    link = chat.bubble("https://t.me/").locator("a.command").first
    link_text = link.inner_text()
    chat.be("anna")
    chat.send("/start " + link_text.rsplit("start=", 1)[1])
    card = chat.bubble("Тюмень, <b>зал</b>")
    expect(card).to_contain_text(hostile)
    assert page.locator(".messages img").count() == 0
    assert page.locator(".messages b", has_text="зал").count() == 0
    assert dialogs == []


def test_fast_forward_moves_the_clock(chat: ChatPage, page: Page) -> None:
    before = page.locator("#clock").inner_text()
    chat.fast_forward(24)
    assert page.locator("#clock").inner_text() != before


def test_bubble_times_are_the_sandbox_clock(page: Page, tmp_path: Path) -> None:
    with run_sandbox(tmp_path, frozen_clock="2036-03-03 09:00") as sandbox:
        chat = ChatPage(page)
        chat.open(sandbox.url)
        expect(page.locator("#clock")).to_have_text("03.03.2036 09:00")
        # The zone, as the bot names it in its messages.
        zone = page.locator('[data-ui="clock_zone"]')
        expect(zone).to_have_text("по тюменскому времени (МСК+2)")
        chat.be("anna")
        with chat.answered():
            chat.key("Начать")
        chat.fast_forward(1)
        with chat.answered():
            chat.send("/help")
        times = page.locator(".messages .row .meta")
        expect(times.first).to_contain_text("09:00")
        expect(times.last).to_contain_text("10:00")
        # A message the page saw before the fast-forward keeps the time it was sent at.
        chat.be("john")
        chat.be("anna")
        expect(times.first).to_contain_text("09:00")


def test_message_of_several_lines(chat: ChatPage, page: Page) -> None:
    chat.be("olga")
    chat.key("Начать")
    chat.bubble("Ольга")
    box = page.locator("#input")
    box.click()
    page.keyboard.type("Первая строка")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("вторая строка")
    page.keyboard.press("Enter")
    sent = page.locator(".row.out .text", has_text="Первая строка").last
    expect(sent).to_have_text("Первая строка\nвторая строка")
    expect(box).to_have_value("")


def test_unread_messages_show_on_the_person(chat: ChatPage, page: Page) -> None:
    staff = page.locator('.person[data-chat="staff"] .unread')
    chat.be("anna")
    chat.key("Начать")
    chat.bubble("Анна")
    chat.send("/ask")
    chat.bubble("вопрос")
    chat.send("Можно ли прийти вдвоём с коллегой?")
    chat.bubble("отправлен")
    expect(staff).to_be_visible()
    assert int(staff.inner_text()) >= 1
    assert page.locator('.person[data-chat="anna"] .unread').count() == 0
    chat.be("staff")
    expect(page.locator('.person[data-chat="staff"] .unread')).to_have_count(0)
    chat.be("anna")
    expect(staff).to_have_count(0)


def test_the_phone_key_shows_the_bots_own_icon_only(chat: ChatPage, page: Page) -> None:
    chat.be("anna")
    chat.key("Начать")
    reach_the_phone_step(chat, SEMINAR, "Петрова Анна Сергеевна", "АНО «Забота»")
    key = page.locator(".reply-keyboard .key", has_text="Отправить мой номер")
    expect(key).to_have_text("📱 Отправить мой номер")
    assert key.evaluate("(k) => getComputedStyle(k, '::before').content") in ("none", "normal")


def test_a_button_to_the_bot_opens_its_chat_on_the_page(chat: ChatPage, page: Page) -> None:
    chat.be("staff")
    chat.send("/my")
    chat.bubble("только в личном чате")
    button = page.locator(".inline-button", has_text="Открыть личный чат").last
    assert button.get_attribute("href") is None  # not to Telegram: the sandbox bot is not there
    button.click()
    expect(page.locator('.person.active[data-chat="olga"]')).to_be_visible()
    assert len(page.context.pages) == 1
