"""A fake Telegram Bot API server for black-box tests of the bot (see server.py)."""

from bot.sandbox.fakeapi.errors import ApiError
from bot.sandbox.fakeapi.server import DEFAULT_TOKEN, FakeBotAPI, RecordedRequest, Rejection
from bot.sandbox.fakeapi.state import BotMessage, StoredFile
from bot.sandbox.fakeapi.users import FakeGroup, FakeUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotMessage",
    "FakeBotAPI",
    "FakeGroup",
    "FakeUser",
    "RecordedRequest",
    "Rejection",
    "StoredFile",
]
