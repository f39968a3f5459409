"""Where organisers are told things: the staff chat, else each admin in their language."""

from __future__ import annotations

from bot.i18n import Tr, Translator, pick_language
from bot.services.sender import Sender
from bot.settings import Settings
from storage.repositories import Repositories


async def organiser_chats(
    repos: Repositories, translator: Translator, settings: Settings
) -> list[tuple[int, Tr]]:
    if settings.staff_chat_id is not None:
        return [(settings.staff_chat_id, translator.for_language("ru"))]
    admins = await repos.users.get_many(sorted(settings.admin_ids))
    chats = []
    for admin_id in sorted(settings.admin_ids):
        admin = admins.get(admin_id)
        lang = pick_language(admin.language, admin.language_code) if admin else "ru"
        chats.append((admin_id, translator.for_language(lang)))
    return chats


async def tell_organisers(
    repos: Repositories,
    translator: Translator,
    settings: Settings,
    sender: Sender,
    key: str,
    **params: object,
) -> None:
    for chat_id, tr in await organiser_chats(repos, translator, settings):
        await sender.send_message(chat_id, tr(key, **params))
