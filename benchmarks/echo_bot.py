"""A bare aiogram echo bot: the baseline the project's update throughput is compared with.

Run as ``python -m benchmarks.echo_bot`` with BOT_TOKEN and TELEGRAM_API_URL set.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

dispatcher = Dispatcher()


@dispatcher.message()
async def echo(message: Message) -> None:
    await message.answer(f"echo: {message.text}")


async def main() -> int:
    server = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=server))
    await bot.delete_webhook()
    await dispatcher.start_polling(bot, handle_signals=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
