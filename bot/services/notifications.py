"""Messages the bot sends participants on its own, each in the recipient's language.

Handlers reply in the language of whoever pressed; a notice to someone else (a promotion
from the waitlist, a changed or cancelled seminar) must be rendered for that person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup

from bot.formatting import format_datetime
from bot.i18n import Tr
from bot.services.recipients import Recipients
from bot.services.registration import Promotion
from bot.services.sender import Delivery, Sender
from storage.database import Database
from storage.repositories import Repositories

log = logging.getLogger(__name__)

Render = Callable[[Tr], str]
RenderMarkup = Callable[[Tr], InlineKeyboardMarkup | None]


@dataclass(frozen=True, slots=True)
class NoticeReport:
    sent: int = 0
    blocked: int = 0  # includes users known to have blocked the bot, who are not sent to
    failed: int = 0


class ParticipantNotifier:
    def __init__(self, db: Database, recipients: Recipients, sender: Sender, tz: tzinfo) -> None:
        self._db = db
        self._recipients = recipients
        self._sender = sender
        self.tz = tz

    async def notify(
        self, user_ids: Iterable[int], render: Render, markup: RenderMarkup | None = None
    ) -> dict[int, Delivery]:
        """Render per recipient and send through the paced sender; returns each delivery."""
        results = {}
        for user_id, tr in (await self._recipients.users(user_ids)).items():
            reply_markup = markup(tr) if markup else None
            results[user_id] = await self._sender.send_message(
                user_id, render(tr), reply_markup=reply_markup
            )
        return results

    async def tell_active(self, user_ids: Sequence[int], render: Render) -> NoticeReport:
        """Notify the users still reachable; who has blocked the bot counts as blocked."""
        known = await Repositories(self._db).users.get_many(list(user_ids))
        active = [u for u in user_ids if (user := known.get(u)) is not None and user.is_active]
        deliveries = list((await self.notify(active, render)).values())
        return NoticeReport(
            sent=deliveries.count(Delivery.SENT),
            blocked=len(user_ids) - len(active) + deliveries.count(Delivery.BLOCKED),
            failed=deliveries.count(Delivery.FAILED),
        )

    async def promoted(self, promotions: Sequence[Promotion]) -> None:
        """Tell users who moved from the waitlist to a seat; a registration listener."""
        for promotion in promotions:
            delivery = await self.notify([promotion.user_id], self._promotion_text(promotion))
            log.info(
                "promotion notice seminar=%s user=%s delivery=%s",
                promotion.seminar.id,
                promotion.user_id,
                delivery.get(promotion.user_id),
            )

    def _promotion_text(self, promotion: Promotion) -> Render:
        seminar = promotion.seminar

        def render(tr: Tr) -> str:
            return tr(
                "seminars.notice.promoted",
                title=seminar.title,
                when=format_datetime(seminar.starts_at, self.tz, tr),
            )

        return render
