"""What the page shows of a chat: messages as plain JSON (text plus entities, never HTML).

The page builds its bubbles from `text` and Telegram's `entities` with DOM text nodes,
so nothing the bot or a user wrote is ever parsed as HTML in the browser.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.fakeapi.objects import utf16_len
from bot.sandbox.fakeapi.state import BotMessage, ChatState, StoredFile

JsonDict = dict[str, Any]

# What Telegram marks by itself in a message's plain text: links and /commands.
_AUTO_ENTITIES = (
    ("url", re.compile(r"https?://[^\s<>\"«»]+[^\s<>\"«».,;:!?)]")),
    ("bot_command", re.compile(r"(?<![\w/])/[a-z][a-z0-9_]{0,31}(?:@\w+)?\b")),
)


def with_detected_entities(text: str, entities: list[JsonDict]) -> list[JsonDict]:
    """`entities` plus url and bot_command entities for the plain text outside them."""
    taken = [(int(e["offset"]), int(e["offset"]) + int(e["length"])) for e in entities]
    found: list[JsonDict] = []
    for kind, pattern in _AUTO_ENTITIES:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return sorted([*entities, *found], key=lambda e: (e["offset"], -e["length"]))


def _file(stored: StoredFile) -> JsonDict:
    return {
        "name": stored.filename,
        "size": len(stored.data),
        "url": f"/files/{stored.file_id}",
    }


def _inline_rows(markup: JsonDict | None) -> list[list[JsonDict]]:
    rows: list[list[JsonDict]] = []
    for row in (markup or {}).get("inline_keyboard", []):
        buttons: list[JsonDict] = []
        for button in row:
            shown: JsonDict = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                shown["data"] = str(button["callback_data"])
            elif "url" in button:
                shown["url"] = str(button["url"])
            buttons.append(shown)
        rows.append(buttons)
    return rows


def bot_message(message: BotMessage) -> JsonDict:
    shown: JsonDict = {
        "id": message.message_id,
        "outgoing": False,
        "sender": None,
        "text": message.text or "",
        "entities": with_detected_entities(message.text or "", message.entities),
        "buttons": _inline_rows(message.reply_markup),
        "edited": len(message.history) > 1 or message.edit_date is not None,
        "deleted": message.deleted,
        "date": message.edit_date or message.date,
        "reply_to": message.reply_to_message_id,
    }
    if message.document is not None:
        shown["document"] = _file(message.document)
    if message.photo is not None:
        shown["photo"] = _file(message.photo)
    return shown


def user_message(message: JsonDict) -> JsonDict:
    sender = message.get("from") or {}
    contact = message.get("contact")
    reply = message.get("reply_to_message") or {}
    return {
        "id": int(message["message_id"]),
        "outgoing": True,
        "sender": sender.get("first_name"),
        "text": str(message.get("text", "")),
        "entities": [],
        "contact": contact.get("phone_number") if isinstance(contact, dict) else None,
        "buttons": [],
        "edited": False,
        "deleted": False,
        "date": int(message.get("date", 0)),
        "reply_to": reply.get("message_id"),
    }


def reply_keyboard(chat: ChatState) -> JsonDict | None:
    """The keyboard under the input field: the newest bot message that set or removed one.

    A one-time keyboard hides once the user has sent something after it.
    """
    for message in reversed(chat.transcript):
        markup = message.reply_markup or {}
        if markup.get("remove_keyboard"):
            return None
        if "keyboard" not in markup:
            continue
        if markup.get("one_time_keyboard") and any(
            message_id > message.message_id for message_id in chat.user_messages
        ):
            return None
        rows = [
            [
                {
                    "text": str(button.get("text", "")),
                    "contact": bool(button.get("request_contact")),
                }
                for button in row
            ]
            for row in markup["keyboard"]
        ]
        return {"rows": rows, "placeholder": markup.get("input_field_placeholder")}
    return None


def chat_view(chat: ChatState) -> JsonDict:
    """The whole chat, oldest message first."""
    messages = [bot_message(m) for m in chat.transcript]
    messages.extend(user_message(m) for m in chat.user_messages.values())
    messages.sort(key=lambda m: int(m["id"]))
    return {"id": chat.chat_id, "messages": messages, "keyboard": reply_keyboard(chat)}
