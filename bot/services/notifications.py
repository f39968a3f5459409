"""Messages the bot sends participants on its own, each in the recipient's language.

Handlers reply in the language of whoever pressed; a notice to someone else (a promotion
from the waitlist, a changed or cancelled seminar) must be rendered for that person.
A notice about one's own seat leads somewhere: buttons to open the seminar or give the
seat up, and after a move a fresh calendar file that updates the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr
from bot.services.calendar import ics_filename, seminar_ics, seminar_link
from bot.services.recipients import Recipients
from bot.services.registration import Promotion
from bot.services.sender import Delivery, Sender
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories

log = logging.getLogger(__name__)

Render = Callable[[Tr], str]
RenderMarkup = Callable[[Tr], InlineKeyboardMarkup | None]
SeminarButtons = Callable[[Tr, Seminar], InlineKeyboardMarkup]


@dataclass(frozen=True, slots=True)
class NoticeReport:
    sent: int = 0
    blocked: int = 0  # includes users known to have blocked the bot, who are not sent to
    failed: int = 0


class ParticipantNotifier:
    def __init__(
        self,
        db: Database,
        recipients: Recipients,
        sender: Sender,
        tz: tzinfo,
        seminar_buttons: SeminarButtons,
    ) -> None:
        self._db = db
        self._recipients = recipients
        self._sender = sender
        self.tz = tz
        self._seminar_buttons = seminar_buttons

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

    async def tell_active(
        self,
        user_ids: Sequence[int],
        render: Render,
        about: Seminar | None = None,
        *,
        calendar: bool = False,
    ) -> NoticeReport:
        """Notify the users still reachable; who has blocked the bot counts as blocked.

        With `about`, the notice carries that seminar's buttons; with `calendar` too, it is
        the caption of a fresh .ics (same UID, higher SEQUENCE), still one message each.
        """
        known = await Repositories(self._db).users.get_many(list(user_ids))
        active = [u for u in user_ids if (user := known.get(u)) is not None and user.is_active]
        if about is None:
            deliveries = list((await self.notify(active, render)).values())
        else:
            deliveries = await self._tell_about(active, render, about, calendar=calendar)
        return NoticeReport(
            sent=deliveries.count(Delivery.SENT),
            blocked=len(user_ids) - len(active) + deliveries.count(Delivery.BLOCKED),
            failed=deliveries.count(Delivery.FAILED),
        )

    async def _tell_about(
        self, user_ids: Sequence[int], render: Render, seminar: Seminar, *, calendar: bool
    ) -> list[Delivery]:
        link = seminar_link((await self._sender.bot.me()).username or "", seminar)
        deliveries = []
        for user_id, tr in (await self._recipients.users(user_ids)).items():
            markup = self._seminar_buttons(tr, seminar)
            if not calendar:
                deliveries.append(
                    await self._sender.send_message(user_id, render(tr), reply_markup=markup)
                )
                continue
            ics = seminar_ics(
                seminar,
                seminar.updated_at or seminar.created_at,
                link=link,
                # Plain text inside the .ics, so the title goes in unescaped.
                alarm_text=tr("seminars.calendar.alarm", title=Html(seminar.title)),
            )
            document = BufferedInputFile(ics, filename=ics_filename(seminar))
            deliveries.append(
                await self._sender.send_document(
                    user_id, document, caption=render(tr), reply_markup=markup
                )
            )
        return deliveries

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
