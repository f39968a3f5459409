"""Self-tests: a real aiogram Bot against FakeBotAPI."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.sandbox.fakeapi import DEFAULT_TOKEN, FakeBotAPI


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "seminar_test_bot"
    assert me.is_bot


async def test_send_message_is_in_transcript(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user(1001, "Anna")
    sent = await bot.send_message(
        anna.id,
        "<b>Hello</b> &amp; welcome",
        parse_mode="HTML",
        reply_markup=keyboard(("Go", "go")),
    )
    assert sent.text == "Hello & welcome"
    assert sent.from_user is not None and sent.from_user.username == "seminar_test_bot"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    message = await anna.wait_message("welcome")
    assert message.message_id == sent.message_id
    assert message.buttons == ["Go"]
    assert message.source == "<b>Hello</b> &amp; welcome"
    second = await bot.send_message(anna.id, "again")
    assert second.message_id > sent.message_id
    api.assert_no_rejections()


async def test_wait_message_keeps_unmatched_messages(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    await bot.send_message(anna.id, "first")
    await bot.send_message(anna.id, "second")
    assert (await anna.wait_message("second")).text == "second"
    assert (await anna.wait_message()).text == "first"
    with pytest.raises(AssertionError, match="no new bot message"):
        await anna.wait_message(timeout=0.05)


async def test_default_parse_mode_html(api: FakeBotAPI) -> None:
    anna = api.user()
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    props = DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True)
    async with Bot(DEFAULT_TOKEN, session=session, default=props) as bot:
        await bot.send_message(anna.id, "<i>ok</i>")
    assert (await anna.wait_message()).text == "ok"
    api.assert_no_rejections()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", "can't parse entities"),
        ("<b>open", "can't parse entities"),
        ("<blink>x</blink>", "Unsupported start tag"),
        ("Tom & Jerry", "can't parse entities"),
        ("x" * 4097, "message is too long"),
        ("<b></b>  ", "message text is empty"),
    ],
)
async def test_bad_text_rejected(api: FakeBotAPI, bot: Bot, text: str, error: str) -> None:
    anna = api.user()
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(anna.id, text, parse_mode="HTML")
    assert anna.messages == []
    assert api.rejected[-1].status == 400


async def test_4096_visible_chars_with_markup_accepted(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    await bot.send_message(anna.id, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    assert len((await anna.wait_message()).text or "") == 4096


async def test_long_callback_data_rejected(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(anna.id, "pick", reply_markup=keyboard(("x", "d" * 65)))
    await bot.send_message(anna.id, "pick", reply_markup=keyboard(("x", "d" * 64)))


async def test_too_many_buttons_rejected(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    buttons = [(str(i), str(i)) for i in range(101)]
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(anna.id, "pick", reply_markup=keyboard(*buttons))


async def test_blocked_user(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    api.block(anna.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(anna.id, "hi")
    api.assert_no_rejections()  # injected failures are not the bot's fault
    with pytest.raises(AssertionError):
        api.assert_no_rejections(include_injected=True)
    await anna.send("/start")  # writing to the bot unblocks it
    await bot.send_message(anna.id, "welcome back")


async def test_chat_gone_and_unknown_chat(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    api.chat_gone(anna.id)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(anna.id, "hi")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")


async def test_rate_limit(api: FakeBotAPI, bot: Bot) -> None:
    users = [api.user(2000 + i, f"U{i}") for i in range(3)]
    api.set_rate_limit(2)
    await bot.send_message(users[0].id, "1")
    await bot.send_message(users[1].id, "2")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(users[2].id, "3")
    assert caught.value.retry_after >= 1
    assert users[2].messages == []
    assert api.count_429 == 1
    api.set_rate_limit(None)
    await bot.send_message(users[2].id, "3")


async def test_fail_next(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    api.fail_next("sendMessage", 500, "Internal Server Error")
    with pytest.raises(TelegramServerError):
        await bot.send_message(anna.id, "hi")
    await bot.send_message(anna.id, "hi")
    assert [m.text for m in anna.messages] == ["hi"]


async def test_long_polling_returns_user_message(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_request("getUpdates")
    assert not poll.done()
    message_id = await anna.send("/start seminar_7")
    updates = await asyncio.wait_for(poll, 2)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.message_id == message_id
    assert message.text == "/start seminar_7"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    # not confirmed yet: delivered again; confirmed: gone
    assert len(await bot.get_updates()) == 1
    assert await bot.get_updates(offset=updates[0].update_id + 1) == []


async def test_get_updates_short_poll_and_limit(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    for i in range(3):
        await anna.send(f"m{i}")
    assert [u.message.text for u in await bot.get_updates(limit=2) if u.message] == ["m0", "m1"]


async def test_press_sends_callback_query(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    sent = await bot.send_message(
        anna.id, "Card", reply_markup=keyboard(("Записаться", "reg:1"), ("Назад", "back"))
    )
    query_id = await anna.press("записат")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.id == query_id
    assert query.data == "reg:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    await bot.answer_callback_query(query_id, text="Done", show_alert=True)
    answer = await api.wait_callback_answer(query_id)
    assert answer["text"] == "Done" and answer["show_alert"] is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(AssertionError, match="Назад"):
        await anna.press("Nope")


async def test_edit_message(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    sent = await bot.send_message(anna.id, "Progress 0", reply_markup=keyboard(("Stop", "stop")))
    waiting = asyncio.create_task(anna.wait_edit(sent.message_id, "progress 5"))
    await bot.edit_message_text(
        "Progress 5", chat_id=anna.id, message_id=sent.message_id, reply_markup=sent.reply_markup
    )
    edited = await waiting
    assert edited.history == ["Progress 0", "Progress 5"]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Progress 5",
            chat_id=anna.id,
            message_id=sent.message_id,
            reply_markup=sent.reply_markup,
        )
    await bot.edit_message_reply_markup(chat_id=anna.id, message_id=sent.message_id)
    assert edited.buttons == []
    await bot.delete_message(anna.id, sent.message_id)
    assert edited.deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(anna.id, sent.message_id)


async def test_document_upload(api: FakeBotAPI, bot: Bot) -> None:
    admin = api.user(1, "Admin")
    data = "\ufeffname;phone\n".encode()
    sent = await bot.send_document(
        admin.id,
        BufferedInputFile(data, "export.csv"),
        caption="Export <b>#1</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "export.csv"
    message = await admin.wait_message("export #1")
    assert message.document_name == "export.csv"
    assert message.document_bytes == data
    # re-send by file_id
    await bot.send_document(admin.id, sent.document.file_id)
    assert admin.messages[-1].document_bytes == data
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(admin.id, "nonsense")


async def test_copy_message_and_replies(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user()
    staff = api.group(-1001234, "Staff")
    question_id = await anna.send("When does it start?")
    copied = await bot.copy_message(staff.chat_id, anna.id, question_id)
    posted = await staff.wait_message("when does it start")
    assert posted.message_id == copied.message_id
    organiser = api.user(7, "Olga")
    await organiser.reply(posted.message_id, "At 10:00", chat_id=staff.chat_id)
    update = (await bot.get_updates())[-1]
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "When does it start?"
    assert update.message.chat.type == "supergroup"


async def test_commands(api: FakeBotAPI, bot: Bot) -> None:
    admin = api.user(1, "Admin")
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    scope = BotCommandScopeChat(chat_id=admin.id)
    await bot.set_my_commands([BotCommand(command="stats", description="Stats")], scope=scope)
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["stats"]
    assert api.commands()[0]["command"] == "start"
    assert api.commands({"type": "chat", "chat_id": admin.id})[0]["command"] == "stats"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(
            [BotCommand(command="stats", description="x")], scope=BotCommandScopeChat(chat_id=99)
        )


async def test_get_chat_and_chat_action(api: FakeBotAPI, bot: Bot) -> None:
    anna = api.user(1001, "Anna", username="anna")
    chat = await bot.get_chat(anna.id)
    assert chat.username == "anna" and chat.type == "private"
    assert await bot.send_chat_action(anna.id, "typing")


async def test_unknown_method_and_param_and_token(api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}/bot{DEFAULT_TOKEN}"
        async with http.post(f"{url}/sendTeleport", data={"x": "1"}) as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.get(f"{url}/getMe", params={"colour": "red"}) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"].startswith("Bad Request: unknown parameter")
        async with http.post(f"{url}/sendMessage", json={"chat_id": 5}) as resp:
            assert resp.status == 400
        async with http.get(f"{api.base_url}/bot1:wrong/getMe") as resp:
            assert resp.status == 401


async def test_wrong_token_via_aiogram(api: FakeBotAPI) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    async with Bot("42:nope", session=session) as bot:
        with pytest.raises(TelegramUnauthorizedError):
            await bot.get_me()


async def test_unmodelled_method_gets_plausible_result(api: FakeBotAPI, bot: Bot) -> None:
    assert await bot.set_my_description("A bot")
    anna = api.user()
    sent = await bot.send_location(anna.id, latitude=57.15, longitude=65.53)
    assert sent.message_id == anna.messages[-1].message_id
