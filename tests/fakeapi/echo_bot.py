"""A minimal aiogram echo bot: the stand-in the process self-tests run instead of the product.

Run as ``python -m tests.fakeapi.echo_bot`` with BOT_TOKEN and TELEGRAM_API_URL set.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

dispatcher = Dispatcher()
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Again", callback_data="again")]]
)


@dispatcher.message()
async def echo(message: Message) -> None:
    await message.answer(f"echo: {message.text}", reply_markup=KEYBOARD)


@dispatcher.callback_query()
async def pressed(query: CallbackQuery) -> None:
    await query.answer(f"pressed {query.data}")


async def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), stream=sys.stderr)
    token = os.environ.get("BOT_TOKEN")
    if not token:
        print("BOT_TOKEN: required setting is missing", file=sys.stderr)
        return 2
    server = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    bot = Bot(token, session=AiohttpSession(api=server))
    await bot.delete_webhook()
    await dispatcher.start_polling(bot, polling_timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
