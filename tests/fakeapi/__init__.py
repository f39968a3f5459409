"""A fake Telegram Bot API server for black-box tests of the bot (see server.py)."""

from tests.fakeapi.errors import ApiError
from tests.fakeapi.server import DEFAULT_TOKEN, FakeBotAPI, RecordedRequest, Rejection
from tests.fakeapi.state import BotMessage, StoredFile
from tests.fakeapi.users import FakeGroup, FakeUser

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
