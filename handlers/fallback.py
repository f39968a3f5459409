"""Last resort: unknown commands, non-text messages and buttons no router took (stale or forged)."""

from __future__ import annotations

import difflib

from aiogram import F, Router
from aiogram.types import Message

from bot.commands import ADMIN_ONLY_COMMANDS, PARTICIPANT_COMMANDS
from bot.i18n import Tr
from handlers.filters import IS_COMMAND, NO_TEXT, PRIVATE_CHAT, IsAdmin
from handlers.menu import main_menu
from handlers.sections import REOPENABLE
from handlers.stale import ReopenCb, expired_button, reopen_section

# Commands typed in Russian (`/семинары`): the start of a word and the command it means.
_RUSSIAN_WORDS = (
    ("семинар", "seminars"),
    ("расписан", "seminars"),
    ("запис", "my"),
    ("мои", "my"),
    ("мой", "my"),
    ("помо", "help"),
    ("справк", "help"),
    ("вопрос", "ask"),
    ("спрос", "ask"),
    ("старт", "start"),
    ("начат", "start"),
    ("меню", "start"),
    ("отмен", "cancel"),
    ("язык", "language"),
    ("удал", "forget_me"),
    ("забуд", "forget_me"),
)
# The same keys on a Russian keyboard layout: `/ыуьштфкы` is `/seminars` typed in Cyrillic.
_LATIN_KEYS = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,.")


def closest_command(typed: str, is_admin: bool) -> str | None:
    """The real command a typo most likely meant (`/semnars`, `/семинары` → `seminars`)."""
    name = typed.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].casefold().replace("ё", "е")
    known = PARTICIPANT_COMMANDS + (ADMIN_ONLY_COMMANDS if is_admin else ())
    for candidate in (name, name.translate(_LATIN_KEYS)):
        matches = difflib.get_close_matches(candidate, known, n=1, cutoff=0.7)
        if matches:
            return matches[0]
    return next((command for stem, command in _RUSSIAN_WORDS if name.startswith(stem)), None)


async def unknown_command(message: Message, tr: Tr, is_admin: bool) -> None:
    command = closest_command(message.text or "", is_admin)
    if command is None:
        await message.answer(tr("unknown_command"))
        return
    await message.answer(tr("unknown_command_close", command=command))


async def not_text(message: Message, tr: Tr) -> None:
    """A sticker, photo or voice message outside any dialog would otherwise get silence.

    A sticker is a friendly nod, like «👍»: a friendly line back, not a lesson in typing.
    """
    key = "faq.acknowledgement" if message.sticker else "text_only"
    await message.answer(tr(key), reply_markup=main_menu(tr))


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, IS_COMMAND)
    router.message.register(not_text, PRIVATE_CHAT, NO_TEXT)
    router.callback_query.register(
        reopen_section, IsAdmin(), ReopenCb.filter(F.command.in_(REOPENABLE))
    )
    router.callback_query.register(expired_button)
    return router
