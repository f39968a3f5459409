"""Messages the bot sends participants on its own, each in the recipient's language.

Handlers reply in the language of whoever pressed; a notice to someone else (a promotion
from the waitlist, a changed or cancelled seminar) must be rendered for that person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup

from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Tr, Translator, pick_language
from bot.services.registration import Promotion
from bot.services.sender import Delivery, Sender
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories

log = logging.getLogger(__name__)

Render = Callable[[Tr], str]
RenderMarkup = Callable[[Tr], InlineKeyboardMarkup | None]
SeminarButtons = Callable[[Tr, Seminar], InlineKeyboardMarkup]


class ParticipantNotifier:
    def __init__(
        self,
        db: Database,
        translator: Translator,
        sender: Sender,
        tz: tzinfo,
        seminar_buttons: SeminarButtons,
    ) -> None:
        self._db = db
        self._translator = translator
        self._sender = sender
        self.tz = tz
        self._seminar_buttons = seminar_buttons

    async def languages(self, user_ids: Iterable[int]) -> dict[int, Tr]:
        """Each user's translator; unknown users get the default language."""
        ids = list(dict.fromkeys(user_ids))
        users = await Repositories(self._db).users.get_many(ids)
        out = {}
        for user_id in ids:
            user = users.get(user_id)
            lang = pick_language(user.language, user.language_code) if user else None
            out[user_id] = self._translator.for_language(lang or pick_language(None, None))
        return out

    async def notify(
        self, user_ids: Iterable[int], render: Render, markup: RenderMarkup | None = None
    ) -> dict[int, Delivery]:
        """Render per recipient and send through the paced sender; returns each delivery."""
        results = {}
        for user_id, tr in (await self.languages(user_ids)).items():
            reply_markup = markup(tr) if markup else None
            results[user_id] = await self._sender.send_message(
                user_id, render(tr), reply_markup=reply_markup
            )
        return results

    async def promoted(self, promotions: Sequence[Promotion]) -> None:
        """Tell users who moved from the waitlist to a seat; a registration listener."""
        for promotion in promotions:
            delivery = await self.notify(
                [promotion.user_id],
                self._promotion_text(promotion),
                self._buttons_for(promotion.seminar),
            )
            log.info(
                "promotion notice seminar=%s user=%s delivery=%s",
                promotion.seminar.id,
                promotion.user_id,
                delivery.get(promotion.user_id),
            )

    def _buttons_for(self, seminar: Seminar) -> RenderMarkup:
        def render(tr: Tr) -> InlineKeyboardMarkup:
            return self._seminar_buttons(tr, seminar)

        return render

    def _promotion_text(self, promotion: Promotion) -> Render:
        seminar = promotion.seminar

        def render(tr: Tr) -> str:
            return tr(
                "seminars.notice.promoted",
                title=seminar.title,
                when=format_datetime(seminar.starts_at, self.tz, tr),
                zone=zone_phrase(self.tz, tr, seminar.starts_at),
                place=seminar.place,
            )

        return render
