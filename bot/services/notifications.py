"""Notices the bot sends participants on its own, each rendered in the recipient's language.

Handlers reply in the language of whoever pressed; a notice to someone else (a promotion
from the waitlist, a changed or cancelled seminar) is queued (`bot.services.notices`) and
rendered here, for that person, when the outbox sends it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import Bot

from bot.formatting import format_datetime
from bot.i18n import Html, Translator
from bot.services.notices import NOTICE_KIND
from bot.services.outbox import Send
from bot.services.recipients import language_of
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem
from storage.repositories import Repositories


class NoticeDelivery:
    """The outbox kind for notices: `tr(key, **args)` with times formatted in TIMEZONE."""

    name = NOTICE_KIND

    def __init__(self, db: Database, bot: Bot, translator: Translator, tz: tzinfo) -> None:
        self._db = db
        self._bot = bot
        self._translator = translator
        self._tz = tz

    async def prepare(self, item: OutboxItem) -> Send | None:
        user = await Repositories(self._db).users.get(item.chat_id)
        if user is None or not user.is_active:
            return None
        tr = self._translator.for_language(language_of(user))
        payload = item.payload
        times = {
            name: Html(format_datetime(datetime.fromisoformat(value), self._tz, tr))
            for name, value in payload["times"].items()
        }
        text = tr(payload["key"], **payload["args"], **times)
        return lambda: self._bot.send_message(item.chat_id, text)

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        return None
