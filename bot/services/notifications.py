"""Notices the bot sends participants on its own, each rendered in the recipient's language.

Handlers reply in the language of whoever pressed; a notice to someone else (a promotion
from the waitlist, a changed or cancelled seminar) is queued (`bot.services.notices`) and
rendered here, for that person, when the outbox sends it. A notice about one's own seat
leads somewhere: buttons to open the seminar or give the seat up, and after a move a
fresh calendar file (same UID, higher SEQUENCE) that updates the event, still one message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr, Translator
from bot.services.calendar import ics_filename, seminar_ics, seminar_link
from bot.services.notices import NOTICE_KIND
from bot.services.outbox import Send
from bot.services.recipients import language_of
from storage.database import Database
from storage.models import DeliveryStatus, OutboxItem, Seminar
from storage.repositories import Repositories

SeminarButtons = Callable[[Tr, Seminar], InlineKeyboardMarkup]


class NoticeDelivery:
    """The outbox kind for notices: `tr(key, **args)` with times and the zone in TIMEZONE."""

    name = NOTICE_KIND

    def __init__(
        self,
        db: Database,
        bot: Bot,
        translator: Translator,
        tz: tzinfo,
        seminar_buttons: SeminarButtons,
    ) -> None:
        self._db = db
        self._bot = bot
        self._translator = translator
        self._tz = tz
        self._seminar_buttons = seminar_buttons

    async def prepare(self, item: OutboxItem) -> Send | None:
        repos = Repositories(self._db)
        user = await repos.users.get(item.chat_id)
        if user is None or not user.is_active:
            return None
        tr = self._translator.for_language(language_of(user))
        payload = item.payload
        text = self._text(tr, payload)
        seminar_id = payload.get("seminar_id")
        seminar = await repos.seminars.get(int(seminar_id)) if seminar_id is not None else None
        if seminar is None:
            return lambda: self._bot.send_message(item.chat_id, text)
        markup = self._seminar_buttons(tr, seminar)
        if seminar.is_cancelled or not payload.get("calendar"):
            return lambda: self._bot.send_message(item.chat_id, text, reply_markup=markup)

        async def send_with_calendar() -> object:
            # Inside the request, so a failed getMe is retried like the send itself.
            link = seminar_link((await self._bot.me()).username or "", seminar)
            ics = seminar_ics(
                seminar,
                seminar.updated_at or seminar.created_at,
                link=link,
                # Plain text inside the .ics, so the title goes in unescaped.
                alarm_text=tr("seminars.calendar.alarm", title=Html(seminar.title)),
            )
            document = BufferedInputFile(ics, filename=ics_filename(seminar))
            return await self._bot.send_document(
                item.chat_id, document, caption=text, reply_markup=markup
            )

        return send_with_calendar

    def _text(self, tr: Tr, payload: dict[str, Any]) -> str:
        times = {
            name: Html(format_datetime(datetime.fromisoformat(value), self._tz, tr))
            for name, value in payload["times"].items()
        }
        zone_at = payload.get("zone_at")
        zone = zone_phrase(self._tz, tr, datetime.fromisoformat(zone_at) if zone_at else None)
        return tr(payload["key"], **payload["args"], **times, zone=zone)

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        return None
