"""Builders for the Telegram objects the fake server returns and delivers (plain dicts)."""

from __future__ import annotations

import hashlib
import time
from typing import Any


def now() -> int:
    return int(time.time())


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def user_dict(
    user_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    *,
    is_bot: bool = False,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def bot_user_dict(bot_id: int, first_name: str, username: str) -> dict[str, Any]:
    """The bot as ``getMe`` describes it."""
    return {
        **user_dict(bot_id, first_name, username=username, is_bot=True),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat_dict(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def group_chat_dict(chat_id: int, title: str) -> dict[str, Any]:
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": title}


def chat_full_info(chat: dict[str, Any]) -> dict[str, Any]:
    """``getChat`` result: the chat plus the fields ChatFullInfo requires."""
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)


def chat_member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """``getChatMember`` result: the ChatMember subtype of ``status``."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({right: right != "is_anonymous" for right in _ADMIN_RIGHTS})
        member["can_be_edited"] = False
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}")
    return member


def command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading ``/command`` (with an optional ``@botname``)."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def file_ids(seed: str) -> tuple[str, str]:
    """A stable (file_id, file_unique_id) pair that looks like Telegram's."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"BQACAgIAAxkBAAI{digest[:40]}", f"AgAD{digest[40:52]}"
