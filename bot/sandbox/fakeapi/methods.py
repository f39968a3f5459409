"""Implementations of the Bot API methods the fake server really models.

Each handler takes validated parameters and returns the ``result`` Telegram would
send, or raises :class:`ApiError`. Methods without a handler get a plausible default
from :func:`Methods.default_result`.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.fakeapi.errors import ApiError, bad_request, conflict
from bot.sandbox.fakeapi.objects import chat_full_info, chat_member
from bot.sandbox.fakeapi.schema import MethodSpec
from bot.sandbox.fakeapi.state import DEFAULT_UPDATE_TYPES, BotMessage, ChatState, StoredFile, World
from bot.sandbox.fakeapi.validation import UploadedFile, parse_text

Handler = Callable[[dict[str, Any]], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


class Methods:
    """The modelled methods, operating on a :class:`World`."""

    def __init__(self, world: World, bot_user: dict[str, Any]) -> None:
        self.world = world
        self.bot_user = bot_user
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.true,
            "close": self.true,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
        }

    # ------------------------------------------------------------------ helpers

    def message_dict(self, chat: ChatState, message: BotMessage) -> dict[str, Any]:
        result = message.to_dict(self.bot_user, chat.chat)
        if message.reply_to_message_id is not None:
            replied = chat.user_messages.get(message.reply_to_message_id)
            bot_replied = chat.bot_message(message.reply_to_message_id)
            if replied is None and bot_replied is not None:
                replied = bot_replied.to_dict(self.bot_user, chat.chat)
            if replied is not None:
                result["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
        return result

    def _reply_to(self, chat: ChatState, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        exists = message_id in chat.user_messages or chat.bot_message(message_id) is not None
        if not exists:
            if reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            ):
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    async def _post(self, chat: ChatState, message: BotMessage) -> dict[str, Any]:
        message.history.append(message.text or "")
        chat.transcript.append(message)
        await self.world.notify()
        return self.message_dict(chat, message)

    def _file(self, value: UploadedFile | str, chat: ChatState, message_id: int) -> StoredFile:
        if isinstance(value, str):
            if value in self.world.files:
                return self.world.files[value]
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            raise bad_request("wrong file identifier/HTTP URL specified")
        mime = value.content_type
        if mime in ("", "application/octet-stream"):
            mime = mimetypes.guess_type(value.filename)[0] or "application/octet-stream"
        stored = StoredFile.create(
            value.filename, value.data, mime, f"{chat.chat_id}:{message_id}:{value.filename}"
        )
        self.world.files[stored.file_id] = stored
        return stored

    @staticmethod
    async def true(params: dict[str, Any]) -> bool:
        return True

    async def default_result(self, spec: MethodSpec, params: dict[str, Any]) -> Any:
        """A plausible result for a method the fake does not model."""
        returns = spec.returns[0] if spec.returns else "Boolean"
        if "Boolean" in spec.returns and "Message" not in spec.returns:
            return True
        if returns.startswith("Array of"):
            return []
        if returns in ("Message", "MessageId") and "chat_id" in params:
            chat = self.world.chat(params["chat_id"])
            message = BotMessage(
                message_id=chat.next_message_id(),
                date=self.world.now(),
                chat_id=chat.chat_id,
                method=spec.name,
                text=params.get("caption"),
                source=params.get("caption"),
                parse_mode=params.get("parse_mode"),
                entities=[],
                reply_markup=params.get("reply_markup"),
                is_caption=True,
            )
            result = await self._post(chat, message)
            return {"message_id": message.message_id} if returns == "MessageId" else result
        return {"Integer": 0, "String": ""}.get(returns, True)

    # ------------------------------------------------------------------ bot & updates

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        world = self.world
        if world.webhook["url"]:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        if "allowed_updates" in params:
            world.allowed_updates = frozenset(params["allowed_updates"]) or DEFAULT_UPDATE_TYPES
        offset = params.get("offset")
        if offset is not None and offset < 0:
            world.updates = world.updates[offset:]
        elif offset is not None:
            world.updates = [u for u in world.updates if u["update_id"] >= offset]
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        world.poll_generation += 1
        generation = world.poll_generation
        await world.notify()  # wakes an older poll so that it ends with 409
        if timeout and not world.updates:
            await world.wait_for(
                lambda: world.closing or world.poll_generation != generation or world.updates,
                timeout,
            )
        if world.poll_generation != generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        return world.updates[:limit]

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if not url:
            return await self.delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self.world.updates.clear()
        if "allowed_updates" in params:
            allowed = frozenset(params["allowed_updates"]) or DEFAULT_UPDATE_TYPES
            self.world.allowed_updates = allowed
        self.world.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": params.get("max_connections", 40),
        }
        await self.world.notify()
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.world.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self.world.updates.clear()
        await self.world.notify()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self.world.webhook
        info: dict[str, Any] = {
            "url": hook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
        if hook["url"]:
            info["max_connections"] = hook.get("max_connections", 40)
            info["allowed_updates"] = sorted(self.world.allowed_updates)
        if "last_error_date" in hook:
            info["last_error_date"] = hook["last_error_date"]
            info["last_error_message"] = hook["last_error_message"]
        return info

    # ------------------------------------------------------------------ sending

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.chat(params["chat_id"])
        parsed = parse_text(params["text"], params.get("parse_mode"), params.get("entities"))
        reply_to = self._reply_to(chat, params)
        message = BotMessage(
            message_id=chat.next_message_id(),
            date=self.world.now(),
            chat_id=chat.chat_id,
            method="sendMessage",
            text=parsed.text,
            source=params["text"],
            parse_mode=params.get("parse_mode"),
            entities=parsed.entities,
            reply_markup=params.get("reply_markup"),
            reply_to_message_id=reply_to,
        )
        return await self._post(chat, message)

    async def _send_media(self, params: dict[str, Any], method: str, kind: str) -> dict[str, Any]:
        chat = self.world.chat(params["chat_id"])
        reply_to = self._reply_to(chat, params)
        message_id = chat.next_message_id()
        stored = self._file(params[kind], chat, message_id)
        caption = params.get("caption")
        parsed = parse_text(caption or "", params.get("parse_mode"), params.get("caption_entities"))
        message = BotMessage(
            message_id=message_id,
            date=self.world.now(),
            chat_id=chat.chat_id,
            method=method,
            text=parsed.text if caption else None,
            source=caption,
            parse_mode=params.get("parse_mode"),
            entities=parsed.entities if caption else [],
            reply_markup=params.get("reply_markup"),
            is_caption=True,
            reply_to_message_id=reply_to,
            document=stored if kind == "document" else None,
            photo=stored if kind == "photo" else None,
        )
        return await self._post(chat, message)

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media(params, "sendDocument", "document")

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media(params, "sendPhoto", "photo")

    async def _copy(self, params: dict[str, Any], method: str) -> tuple[ChatState, BotMessage]:
        source_chat = self.world.known_chat(params["from_chat_id"])
        chat = self.world.chat(params["chat_id"])
        source_id = params["message_id"]
        original = source_chat.bot_message(source_id)
        if original is not None and original.deleted:
            original = None
        user_message = source_chat.user_messages.get(source_id)
        if original is None and user_message is None:
            raise bad_request(
                f"message to {'copy' if method == 'copyMessage' else 'forward'} not found"
            )
        if original is not None:
            text, entities, is_caption = original.text, original.entities, original.is_caption
            document, photo = original.document, original.photo
        else:
            assert user_message is not None
            is_caption = "caption" in user_message
            text = user_message.get("caption" if is_caption else "text")
            entities = user_message.get("caption_entities" if is_caption else "entities", [])
            document = photo = None
        if method == "copyMessage" and "caption" in params:
            parsed = parse_text(
                params["caption"], params.get("parse_mode"), params.get("caption_entities")
            )
            text, entities = parsed.text, parsed.entities
        message = BotMessage(
            message_id=chat.next_message_id(),
            date=self.world.now(),
            chat_id=chat.chat_id,
            method=method,
            text=text,
            source=text,
            parse_mode=None,
            entities=list(entities),
            reply_markup=params.get("reply_markup") if method == "copyMessage" else None,
            is_caption=is_caption,
            document=document,
            photo=photo,
            reply_to_message_id=self._reply_to(chat, params),
        )
        await self._post(chat, message)
        return chat, message

    async def copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = await self._copy(params, "copyMessage")
        return {"message_id": message.message_id}

    async def forward_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = await self._copy(params, "forwardMessage")
        return self.message_dict(chat, message)

    # ------------------------------------------------------------------ editing

    def _editable(self, params: dict[str, Any]) -> tuple[ChatState, BotMessage]:
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.world.chat(params["chat_id"])
        message = chat.bot_message(params["message_id"])
        if message is None or message.deleted:
            if params["message_id"] in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    async def _apply_edit(
        self,
        chat: ChatState,
        message: BotMessage,
        params: dict[str, Any],
        text: str | None,
        entities: list[dict[str, Any]],
    ) -> dict[str, Any]:
        markup = _inline(params.get("reply_markup"))
        if (text, entities, markup) == (
            message.text,
            message.entities,
            _inline(message.reply_markup),
        ):
            raise bad_request(NOT_MODIFIED)
        if text != message.text:
            message.history.append(text or "")
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.source = params.get("text", params.get("caption", message.source))
        message.parse_mode = params.get("parse_mode", message.parse_mode)
        message.edit_date = max(message.date + 1, message.edit_date or 0)
        await self.world.notify()
        return self.message_dict(chat, message)

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        chat, message = self._editable(params)
        if message.is_caption:
            raise bad_request("there is no text in the message to edit")
        parsed = parse_text(params["text"], params.get("parse_mode"), params.get("entities"))
        return await self._apply_edit(chat, message, params, parsed.text, parsed.entities)

    async def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        chat, message = self._editable(params)
        if not message.is_caption:
            raise bad_request("there is no caption in the message to edit")
        caption = params.get("caption")
        parsed = parse_text(caption or "", params.get("parse_mode"), params.get("caption_entities"))
        return await self._apply_edit(
            chat, message, params, parsed.text or None, parsed.entities if caption else []
        )

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        chat, message = self._editable(params)
        return await self._apply_edit(chat, message, params, message.text, message.entities)

    async def delete_message(self, params: dict[str, Any]) -> bool:
        chat = self.world.chat(params["chat_id"])
        message_id = params["message_id"]
        message = chat.bot_message(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
        elif chat.user_messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        await self.world.notify()
        return True

    async def delete_messages(self, params: dict[str, Any]) -> bool:
        for message_id in params["message_ids"]:
            try:
                await self.delete_message({"chat_id": params["chat_id"], "message_id": message_id})
            except ApiError:  # Telegram skips the ones it cannot delete
                continue
        return True

    # ------------------------------------------------------------------ misc

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query = self.world.callback_queries.get(params["callback_query_id"])
        if query is None or query.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answer = params
        await self.world.notify()
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if "chat_id" in scope:
            self.world.known_chat(scope["chat_id"])
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        self.world.commands[self._commands_key(params)] = params["commands"]
        await self.world.notify()
        return True

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.world.commands.pop(self._commands_key(params), None)
        await self.world.notify()
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.world.commands.get(self._commands_key(params), [])

    async def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        return chat_full_info(self.world.known_chat(params["chat_id"]).chat)

    async def get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.known_chat(params["chat_id"])
        member = self.world.chats.get(params["user_id"])
        if member is None or member.chat["type"] != "private":
            raise bad_request("user not found")
        user = {"id": member.chat_id, "is_bot": False, "first_name": member.chat["first_name"]}
        return chat_member(chat.member_status.get(member.chat_id, "member"), user)

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        self.world.chat(params["chat_id"])
        return True

    async def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.world.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": f"documents/{stored.file_id}/{stored.filename}",
        }
