"""What the fake Bot API remembers: chats, the bot's messages (the transcript), files, updates."""

# The waits take a timeout on purpose: on expiry they fail with the chat transcript,
# which says far more than a bare TimeoutError from asyncio.timeout() around the call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.sandbox.fakeapi.errors import bad_request, forbidden
from bot.sandbox.fakeapi.objects import file_ids, now

T = TypeVar("T")

# Update types delivered when allowed_updates is empty or never set.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass(frozen=True)
class StoredFile:
    """A file the bot uploaded (or one it re-sent by file_id)."""

    file_id: str
    file_unique_id: str
    filename: str
    data: bytes
    mime_type: str

    @classmethod
    def create(cls, filename: str, data: bytes, mime_type: str, seed: str) -> StoredFile:
        file_id, unique_id = file_ids(seed)
        return cls(file_id, unique_id, filename, data, mime_type)

    def document_dict(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }

    def photo_sizes(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 320,
                "height": 240,
                "file_size": len(self.data),
            }
        ]


@dataclass
class BotMessage:
    """One message the bot sent, as the user sees it now.

    ``text`` is the visible text (or caption) after entity parsing and after the
    latest edit; ``history`` holds every version, the current one last.
    """

    message_id: int
    chat_id: int
    method: str
    text: str | None
    source: str | None  # text as the bot sent it, markup included
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    is_caption: bool = False
    document: StoredFile | None = None
    photo: StoredFile | None = None
    reply_to_message_id: int | None = None
    date: int = field(default_factory=now)
    history: list[str] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None

    @property
    def inline_buttons(self) -> list[dict[str, Any]]:
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def buttons(self) -> list[str]:
        """Visible texts of the inline buttons, row by row."""
        return [button["text"] for button in self.inline_buttons]

    @property
    def reply_keyboard(self) -> list[str]:
        markup = self.reply_markup or {}
        return [button["text"] for row in markup.get("keyboard", []) for button in row]

    @property
    def document_name(self) -> str | None:
        return self.document.filename if self.document else None

    @property
    def document_bytes(self) -> bytes | None:
        return self.document.data if self.document else None

    def contains(self, needle: str) -> bool:
        return needle.casefold() in (self.text or "").casefold()

    def summary(self) -> str:
        parts = [f"#{self.message_id}"]
        if self.deleted:
            parts.append("(deleted)")
        if self.document:
            parts.append(f"[document {self.document.filename}]")
        parts.append(repr(self.text))
        if self.buttons:
            parts.append(f"buttons={self.buttons}")
        if self.reply_keyboard:
            parts.append(f"keyboard={self.reply_keyboard}")
        return " ".join(parts)

    def to_dict(self, bot_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The Telegram Message object for the current state."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": _public_user(bot_user),
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        key = "caption" if self.is_caption else "text"
        if self.text:
            message[key] = self.text
            if self.entities:
                message[f"{key}_entities" if self.is_caption else "entities"] = self.entities
        if self.document:
            message["document"] = self.document.document_dict()
        if self.photo:
            message["photo"] = self.photo.photo_sizes()
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


def _public_user(bot_user: dict[str, Any]) -> dict[str, Any]:
    return {k: bot_user[k] for k in ("id", "is_bot", "first_name", "username")}


@dataclass
class ChatState:
    chat: dict[str, Any]
    transcript: list[BotMessage] = field(default_factory=list)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    blocked: bool = False
    gone: bool = False
    # A group's members by user id: "creator", "administrator", "member", "left", "kicked";
    # a user not listed is a plain member.
    member_status: dict[int, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    def next_message_id(self) -> int:
        return next(self._ids)

    def bot_message(self, message_id: int) -> BotMessage | None:
        return next((m for m in self.transcript if m.message_id == message_id), None)


@dataclass
class CallbackQueryState:
    query_id: str
    chat_id: int
    message_id: int | None
    data: str
    answer: dict[str, Any] | None = None


class World:
    """All mutable state, plus one condition that every change notifies."""

    def __init__(self, clock: Callable[[], int] = now) -> None:
        # Unix seconds for message dates: real time, or the sandbox's movable clock.
        self.now = clock
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.updates: list[dict[str, Any]] = []  # pending, not yet confirmed
        self.dropped_updates: list[dict[str, Any]] = []  # filtered out by allowed_updates
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.webhook: dict[str, Any] = {"url": ""}
        self.poll_generation = 0
        self.closing = False
        self.changed = asyncio.Condition()
        self._update_ids = itertools.count(10_000)
        self._callback_ids = itertools.count(1)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], T], timeout: float) -> T | None:
        """Wait until ``predicate()`` is truthy and return it; None on timeout."""
        async with self.changed:
            try:
                async with asyncio.timeout(timeout):
                    return await self.changed.wait_for(predicate)
            except TimeoutError:
                return None

    def chat(self, chat_id: int | str) -> ChatState:
        """A chat the bot may write to, or the error Telegram would give."""
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None or state.gone:
            raise bad_request("chat not found")
        if state.blocked:
            raise forbidden("bot was blocked by the user", injected=True)
        return state

    def known_chat(self, chat_id: int | str) -> ChatState:
        """A chat that exists, blocked or not (for reads such as getChat)."""
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None or state.gone:
            raise bad_request("chat not found")
        return state

    def new_callback_id(self) -> str:
        return f"{next(self._callback_ids):04d}{id(self) % 100_000:05d}"

    def make_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A new Update with the next update_id; not queued."""
        return {"update_id": next(self._update_ids), kind: payload}

    def enqueue(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates/webhook, unless allowed_updates excludes it."""
        kind = next(key for key in update if key != "update_id")
        if kind in self.allowed_updates:
            self.updates.append(update)
        else:
            self.dropped_updates.append(update)
