"""Fixtures for the fake server's self-tests: a running FakeBotAPI and an aiogram Bot on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.sandbox.fakeapi import DEFAULT_TOKEN, FakeBotAPI


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    async with Bot(DEFAULT_TOKEN, session=session) as client:
        yield client
