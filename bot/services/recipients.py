"""Who a message goes to and in which language: a user, the staff chat, the admins.

A message the bot sends on its own (a notice, a posted question, a reminder summary) is
rendered for its recipient, not for whoever caused it. The staff chat is one group of
organisers, so it hears STAFF_LANGUAGE; an admin in a private chat hears their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import DEFAULT_LANGUAGE, Tr, Translator, pick_language
from bot.settings import Settings
from storage.database import Database
from storage.models import User
from storage.repositories import Repositories


def language_of(user: User | None) -> str:
    """The user's language; an unknown user gets the default one."""
    if user is None:
        return DEFAULT_LANGUAGE
    return pick_language(user.language, user.language_code)


class Recipients:
    def __init__(self, db: Database, translator: Translator, settings: Settings) -> None:
        self._db = db
        self._translator = translator
        self._settings = settings

    async def users(self, user_ids: Iterable[int]) -> dict[int, Tr]:
        """Each user's translator, in the order given, without repeats."""
        ids = list(dict.fromkeys(user_ids))
        known = await Repositories(self._db).users.get_many(ids)
        return {
            user_id: self._translator.for_language(language_of(known.get(user_id)))
            for user_id in ids
        }

    async def user(self, user_id: int) -> Tr:
        return (await self.users([user_id]))[user_id]

    async def chat(self, chat_id: int) -> Tr:
        """The language of a chat the bot posted to: the staff chat or a user's private chat."""
        if chat_id == self._settings.staff_chat_id:
            return self._translator.for_language(self._settings.staff_language)
        return await self.user(chat_id)

    async def staff(self) -> list[tuple[int, Tr]]:
        """Where organisers' messages go: the staff chat if set, otherwise every admin."""
        if self._settings.staff_chat_id is not None:
            staff_tr = self._translator.for_language(self._settings.staff_language)
            return [(self._settings.staff_chat_id, staff_tr)]
        return list((await self.users(sorted(self._settings.admin_ids))).items())
