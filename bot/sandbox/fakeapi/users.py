"""Simulated Telegram users and group chats that talk to the bot through the fake server."""

# Waits take a timeout on purpose (see server.py).
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.fakeapi.objects import (
    chat_member,
    command_entities,
    private_chat_dict,
    user_dict,
)
from bot.sandbox.fakeapi.state import BotMessage, CallbackQueryState, ChatState

if TYPE_CHECKING:
    from bot.sandbox.fakeapi.server import FakeBotAPI

DEFAULT_TIMEOUT = 10.0


class ChatView:
    """Reading one chat's transcript and waiting for the bot in it."""

    def __init__(self, api: FakeBotAPI, chat_id: int) -> None:
        self.api = api
        self.chat_id = chat_id

    @property
    def messages(self) -> list[BotMessage]:
        """Every message the bot sent to this chat, oldest first."""
        return self.api.messages(self.chat_id)

    @property
    def last_message(self) -> BotMessage | None:
        """The newest bot message that is not deleted."""
        return next((m for m in reversed(self.messages) if not m.deleted), None)

    async def wait_message(
        self,
        contains: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        """The oldest unread bot message containing ``contains`` (case-insensitive)."""
        return await self.api.wait_message(self.chat_id, contains, timeout, predicate=predicate)

    async def wait_edit(
        self, message_id: int, contains: str, timeout: float = DEFAULT_TIMEOUT
    ) -> BotMessage:
        """Wait until message ``message_id`` reads ``contains`` after some edit."""
        return await self.api.wait_edit(self.chat_id, message_id, contains, timeout)

    async def assert_no_new_messages(self, within: float = 0.5) -> None:
        """Fail if an unread bot message is there or arrives within ``within`` seconds."""
        state = self.api.chat_state(self.chat_id)
        unread = await self.api.world.wait_for(
            lambda: [m for m in state.transcript if m.message_id not in state.consumed], within
        )
        if unread:
            raise AssertionError(
                f"unexpected bot message(s) in chat {self.chat_id}:\n"
                + "\n".join(f"  {m.summary()}" for m in unread)
            )


class FakeGroup(ChatView):
    """A group chat (e.g. the staff chat); users write into it with ``user.send_in``."""

    @property
    def title(self) -> str:
        return str(self.api.chat_state(self.chat_id).chat["title"])

    def set_member_status(self, user_id: int, status: str) -> None:
        """What getChatMember says of the user here: "creator", "administrator", "member",
        "left" or "kicked" (a user never set is a plain "member")."""
        chat_member(status, {})  # refuses an unknown status at once
        self.api.chat_state(self.chat_id).member_status[user_id] = status


class FakeUser(ChatView):
    """A Telegram user with a private chat with the bot (chat id = user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        super().__init__(api, user_id)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    @property
    def user(self) -> dict[str, Any]:
        """The Telegram User object."""
        return user_dict(
            self.id, self.first_name, self.last_name, self.username, self.language_code
        )

    def private_chat(self) -> dict[str, Any]:
        return private_chat_dict(self.user)

    # ------------------------------------------------------------------ messages

    def build_message(
        self,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        contact: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create (and remember) a Message from this user without delivering it.

        Use with ``api.make_update("message", ...)`` to POST it to a webhook yourself.
        Writing to the bot unblocks it, as in Telegram.
        """
        chat = self.api.chat_state(self.id if chat_id is None else chat_id)
        if chat.gone:
            raise AssertionError(f"chat {chat.chat_id} is gone; nobody can write to it")
        if chat.chat["type"] == "private":
            chat.blocked = False
        message: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": self.user,
            "chat": chat.chat,
            "date": self.api.world.now(),
        }
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._replied(chat, reply_to_message_id)
        if text is not None:
            message["text"] = text
            if entities := command_entities(text):
                message["entities"] = entities
        if contact is not None:
            message["contact"] = contact
        chat.user_messages[message["message_id"]] = message
        return message

    def _replied(self, chat: ChatState, message_id: int) -> dict[str, Any]:
        bot_message = chat.bot_message(message_id)
        if bot_message is not None and not bot_message.deleted:
            replied = self.api.methods.message_dict(chat, bot_message)
        elif message_id in chat.user_messages:
            replied = chat.user_messages[message_id]
        else:
            raise AssertionError(f"no message {message_id} in chat {chat.chat_id} to reply to")
        return {k: v for k, v in replied.items() if k != "reply_to_message"}

    async def _deliver_message(self, message: dict[str, Any]) -> int:
        await self.api.deliver(self.api.make_update("message", message))
        return int(message["message_id"])

    async def send(self, text: str) -> int:
        """Write ``text`` to the bot in the private chat; returns the message id."""
        return await self._deliver_message(self.build_message(text))

    async def send_contact(
        self,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        *,
        own: bool = True,
    ) -> int:
        """Share a contact, by default one's own (then ``contact.user_id`` is this user)."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.first_name,
        }
        if last_name or (own and self.last_name):
            contact["last_name"] = last_name or self.last_name
        if own:
            contact["user_id"] = self.id
        return await self._deliver_message(self.build_message(contact=contact))

    async def reply(self, to_message_id: int, text: str, chat_id: int | None = None) -> int:
        """Reply to a message (by default in the private chat)."""
        message = self.build_message(text, chat_id=chat_id, reply_to_message_id=to_message_id)
        return await self._deliver_message(message)

    async def send_in(self, chat_id: int, text: str, reply_to_message_id: int | None = None) -> int:
        """Write in a group registered with ``api.group(...)``."""
        message = self.build_message(text, chat_id=chat_id, reply_to_message_id=reply_to_message_id)
        return await self._deliver_message(message)

    # ------------------------------------------------------------------ buttons

    async def press(
        self, button_text: str, message_id: int | None = None, chat_id: int | None = None
    ) -> str:
        """Press the first inline button whose text contains ``button_text`` (any case).

        Looks in ``message_id`` if given, else in the newest bot message of the chat that
        has such a button. Returns the callback query id.
        """
        chat = self.api.chat_state(self.id if chat_id is None else chat_id)
        if message_id is not None:
            message = self.api.message(chat.chat_id, message_id)
            if message.deleted:
                raise AssertionError(f"message {message_id} was deleted; its buttons are gone")
            candidates = [message]
        else:
            candidates = [m for m in reversed(chat.transcript) if not m.deleted and m.buttons]
        needle = button_text.casefold()
        for message in candidates:
            for button in message.inline_buttons:
                if needle not in button["text"].casefold():
                    continue
                if "callback_data" not in button:
                    raise AssertionError(f"button {button['text']!r} is not a callback button")
                return await self._callback(chat, message, button["callback_data"])
        available = "\n".join(f"  #{m.message_id}: {m.buttons}" for m in candidates[:5])
        raise AssertionError(
            f"no inline button containing {button_text!r} in chat {chat.chat_id}; "
            f"buttons of the newest messages:\n{available or '  (none)'}"
        )

    async def press_data(self, data: str, message_id: int, chat_id: int | None = None) -> str:
        """Send a callback query with arbitrary (possibly forged) data from that message."""
        chat = self.api.chat_state(self.id if chat_id is None else chat_id)
        return await self._callback(chat, self.api.message(chat.chat_id, message_id), data)

    async def _callback(self, chat: ChatState, message: BotMessage, data: str) -> str:
        world = self.api.world
        query_id = world.new_callback_id()
        world.callback_queries[query_id] = CallbackQueryState(
            query_id, chat.chat_id, message.message_id, data
        )
        payload = {
            "id": query_id,
            "from": self.user,
            "message": self.api.methods.message_dict(chat, message),
            "chat_instance": str(abs(chat.chat_id) * 7919 % 10**12),
            "data": data,
        }
        await self.api.deliver(world.make_update("callback_query", payload))
        return query_id
