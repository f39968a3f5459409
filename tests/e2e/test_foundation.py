"""End-to-end: the real bot process greets in the user's language, registers its commands,
refuses bad settings with exit code 2, and shuts down cleanly on SIGTERM."""

from __future__ import annotations

import json

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import RunBot, RunBotOnce


async def test_start_in_russian_and_english_and_commands(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    admin = fake_api.user(5001, "Admin", language_code="ru")
    anna = fake_api.user(1001, "Анна", language_code="ru")
    john = fake_api.user(1002, "John", language_code="en")
    bot = await run_bot(env={"ADMIN_IDS": str(admin.id)})

    await anna.send("/start")
    greeting = await anna.wait_message("Здравствуйте")
    assert "Анна" in greeting.text and "/seminars" in greeting.text
    assert greeting.buttons, "the greeting carries the main menu"

    await john.send("/start")
    hello = await john.wait_message("Hello")
    assert "seminars" in hello.text

    await anna.send("/nonsense")
    await anna.wait_message("/help")

    await anna.send("/language")
    await anna.wait_message("Choose your language")
    await anna.press("English")
    await anna.wait_message("What this bot does")

    await admin.send("/help")
    await admin.wait_message("/new_seminar")

    commands = fake_api.calls("setMyCommands")
    scopes = {
        (json.dumps(c.get("scope"), sort_keys=True), c.get("language_code")) for c in commands
    }
    default_scopes = [s for s in scopes if '"default"' in s[0]]
    admin_scopes = [s for s in scopes if str(admin.id) in s[0]]
    assert len(default_scopes) == 2 and len(admin_scopes) == 2
    admin_lists = [c for c in commands if str(admin.id) in json.dumps(c.get("scope"))]
    assert all("new_seminar" in json.dumps(c["commands"]) for c in admin_lists)

    fake_api.assert_no_rejections()
    assert await bot.stop() == 0
    assert "123456:TEST" not in bot.stderr_text()


async def test_bad_setting_exits_2_naming_it(run_bot_once: RunBotOnce) -> None:
    code, _out, err = await run_bot_once(env={"BOT_TOKEN": ""})
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0]

    code, _out, err = await run_bot_once(env={"TIMEZONE": "Nowhere/Land"})
    assert code == 2 and "TIMEZONE" in err and "Traceback" not in err


async def test_token_refused_by_telegram_exits_2(run_bot_once: RunBotOnce) -> None:
    code, _out, err = await run_bot_once(env={"BOT_TOKEN": "999:refused-by-telegram"})
    assert code == 2
    assert "BOT_TOKEN" in err and "Traceback" not in err
    assert "refused-by-telegram" not in err


async def test_unreachable_api_exits_1_without_traceback(run_bot_once: RunBotOnce) -> None:
    code, _out, err = await run_bot_once(env={"TELEGRAM_API_URL": "http://127.0.0.1:9"})
    assert code == 1
    assert "Cannot reach the Telegram Bot API" in err and "Traceback" not in err
