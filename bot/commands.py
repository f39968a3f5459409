"""The command menus Telegram shows: participants' for everyone, the full set for admins,
and the participants' set plus /checkin for door volunteers."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n import LANGUAGES, Translator

log = logging.getLogger(__name__)

PARTICIPANT_COMMANDS = (
    "start",
    "help",
    "seminars",
    "my",
    "faq",
    "ask",
    "language",
    "cancel",
    "forget_me",
)
ADMIN_ONLY_COMMANDS = (
    "new_seminar",
    "edit_seminar",
    "cancel_seminar",
    "broadcast",
    "export",
    "questions",
    "stats",
    "feedback",
    "certificates",
    "programmes",
    "materials",
    "report",
    "faq_misses",
)
# Admins and door volunteers (CHECKIN_IDS); not admin-only, so the admin guard lets it by.
CHECKIN_COMMANDS = ("checkin",)


def _commands(translator: Translator, lang: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=translator.text(lang, f"commands.{name}"))
        for name in names
    ]


async def register_commands(
    bot: Bot,
    translator: Translator,
    admin_ids: frozenset[int],
    checkin_ids: frozenset[int] = frozenset(),
) -> None:
    """Russian is the default list; `en` users get the English one."""
    for lang in LANGUAGES:
        language_code = None if lang == "ru" else lang
        await bot.set_my_commands(
            _commands(translator, lang, PARTICIPANT_COMMANDS),
            scope=BotCommandScopeDefault(),
            language_code=language_code,
        )
        admin_commands = _commands(
            translator, lang, PARTICIPANT_COMMANDS + ADMIN_ONLY_COMMANDS + CHECKIN_COMMANDS
        )
        volunteer_commands = _commands(translator, lang, PARTICIPANT_COMMANDS + CHECKIN_COMMANDS)
        chats = [(admin_id, admin_commands) for admin_id in sorted(admin_ids)]
        chats += [(uid, volunteer_commands) for uid in sorted(checkin_ids - admin_ids)]
        for chat_id, commands in chats:
            try:
                await bot.set_my_commands(
                    commands,
                    scope=BotCommandScopeChat(chat_id=chat_id),
                    language_code=language_code,
                )
            except TelegramAPIError as exc:
                # Someone who never opened the bot has no chat yet; that must not stop it.
                log.warning("could not set commands for %s: %s", chat_id, exc.message)
