"""Self-tests of update delivery: polling semantics, webhook mode, and object validity."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from bot.sandbox.fakeapi import DEFAULT_TOKEN, FakeBotAPI
from bot.sandbox.fakeapi.validation import validate_object


async def call(api: FakeBotAPI, method: str, **params: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{api.base_url}/bot{DEFAULT_TOKEN}/{method}", json=params) as resp,
    ):
        body: dict[str, Any] = await resp.json()
        return body


async def test_everything_delivered_and_returned_is_schema_valid(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user(1001, "Anna", "Smirnova", "anna", "ru")
    staff = api.group()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Answer", callback_data="answer:1")]]
    )
    sent = await bot.send_message(anna.id, "<b>Hi</b>", parse_mode="HTML", reply_markup=markup)
    await anna.send("/start seminar_1")
    await anna.send_contact("+79990001122")
    await anna.reply(sent.message_id, "thanks")
    await anna.press("answer")
    await anna.send_in(staff.chat_id, "hello staff")
    for update in api.pending_updates:
        validate_object("Update", update)
    for method, type_name in [("getMe", "User"), ("getWebhookInfo", "WebhookInfo")]:
        validate_object(type_name, (await call(api, method))["result"])
    validate_object("ChatFullInfo", (await call(api, "getChat", chat_id=anna.id))["result"])
    result = await call(
        api, "sendMessage", chat_id=anna.id, text="x", reply_parameters={"message_id": 2}
    )
    validate_object("Message", result["result"])
    assert result["result"]["reply_to_message"]["text"] == "/start seminar_1"


async def test_get_chat_member_reports_the_status_set_for_the_group(
    api: FakeBotAPI, bot: Bot
) -> None:
    anna = api.user(1001, "Anna")
    staff = api.group()
    statuses = ["member", "creator", "administrator", "left", "kicked", "member"]
    seen = []
    for status in statuses:
        if status != "member" or seen:
            staff.set_member_status(anna.id, status)
        result = await call(api, "getChatMember", chat_id=staff.chat_id, user_id=anna.id)
        validate_object("ChatMember", result["result"])
        parsed = await bot.get_chat_member(staff.chat_id, anna.id)  # aiogram reads it too
        assert parsed.status == result["result"]["status"]
        seen.append(result["result"]["status"])
    assert seen == statuses
    unknown = await call(api, "getChatMember", chat_id=staff.chat_id, user_id=4242)
    assert unknown["ok"] is False and unknown["error_code"] == 400
    with pytest.raises(ValueError, match="unknown chat member status"):
        staff.set_member_status(anna.id, "boss")


async def test_contact_and_forged_callback(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    sent = await bot.send_message(anna.id, "Share your phone")
    await anna.send_contact("+79990001122")
    query_id = await anna.press_data("admin:delete:1", sent.message_id)
    updates = await bot.get_updates()
    contact = updates[0].message.contact if updates[0].message else None
    assert contact is not None and contact.user_id == anna.id
    query = updates[1].callback_query
    assert query is not None and query.id == query_id and query.data == "admin:delete:1"


async def test_allowed_updates_filter_new_updates(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    await bot.get_updates(allowed_updates=["callback_query"])
    await anna.send("dropped")
    assert await bot.get_updates() == []
    await bot.get_updates(allowed_updates=[])  # back to the default set
    await anna.send("kept")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["kept"]


async def test_negative_offset_forgets_older_updates(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    for text in ("a", "b", "c"):
        await anna.send(text)
    assert [u.message.text for u in await bot.get_updates(offset=-1) if u.message] == ["c"]
    assert len(await bot.get_updates()) == 1


async def test_second_poller_terminates_the_first(api: FakeBotAPI, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_request("getUpdates")
    second = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first
    await api.user().send("hi")
    assert len(await second) == 1


async def test_get_updates_conflicts_with_webhook(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_webhook_delivery_with_secret(api: FakeBotAPI, bot: Bot) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        message_id = await api.user().send("/start")
        secret, update = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cret"
        assert update["message"]["message_id"] == message_id
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
    finally:
        await bot.delete_webhook()
        await runner.cleanup()


async def test_make_update_builds_without_queueing(api: FakeBotAPI) -> None:
    anna = api.user()
    update = api.make_update("message", anna.build_message("/help"))
    assert update["message"]["entities"][0]["type"] == "bot_command"
    assert api.pending_updates == []
    await api.deliver(update)
    assert api.pending_updates == [update]
