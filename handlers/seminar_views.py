"""How a seminar looks to participants: its card, seat counts, buttons and registration results.

Rendering only: these functions build text and keyboards, the handlers send them.
`render_seminar_card` is shared with the organisers' preview, so what an organiser
approves is exactly what participants will see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import RenderContext, format_datetime, zone_phrase
from bot.i18n import Html, Tr, bold, escape, join, link
from bot.services.online import join_available
from bot.services.registration import RegisterOutcome, RegisterResult
from handlers.filters import RowId
from handlers.online import JoinCb
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories

_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


class SeminarCb(CallbackData, prefix="sem"):
    action: str  # card | reg | cancel | cancel_yes | keep | ics
    id: RowId


class SeminarPageCb(CallbackData, prefix="sems"):
    page: int


@dataclass(frozen=True, slots=True)
class ParticipantState:
    """Where one user stands for one seminar."""

    status: RegistrationStatus | None = None  # None: not registered
    waitlist_position: int | None = None

    @property
    def is_registered(self) -> bool:
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLIST)


@dataclass(frozen=True, slots=True)
class CardData:
    seminar: Seminar
    seats_left: int
    participant: ParticipantState


def seats_text(tr: Tr, seats_left: int, *, offer_waitlist: bool = True) -> Html:
    """Seats left; a full seminar offers its waitlist unless the reader already holds a place."""
    if seats_left <= 0:
        return tr("seminars.seats.full" if offer_waitlist else "seminars.seats.none")
    return tr("seminars.seats.left", count=seats_left)


def place_html(place: str) -> Html:
    """A link when the place is a URL (an online seminar), escaped text otherwise."""
    text = place.strip()
    return link(text, text) if _URL.match(text) else escape(text)


def is_open(seminar: Seminar, now: datetime) -> bool:
    """Registration is possible: published and not yet started."""
    return not seminar.is_cancelled and seminar.starts_at > now


def render_seminar_card(
    seminar: Seminar,
    tr: Tr,
    tz: tzinfo,
    *,
    seats_left: int,
    now: datetime,
    free: bool,
    participant: ParticipantState | None = None,
) -> Html:
    """The card's text. Without `participant` (an organiser's preview) no user state is shown.

    `free`: participation is free of charge (FREE_OF_CHARGE), said on every card.
    """
    end = seminar.ends_at.astimezone(tz)
    blank = Html("")
    lines = [bold(seminar.title)]
    if seminar.description.strip():
        lines += [blank, escape(seminar.description.strip())]
    lines += [
        blank,
        tr(
            "seminars.card.when",
            when=format_datetime(seminar.starts_at, tz, tr),
            end=f"{end:%H:%M}",
            zone=zone_phrase(tz, tr, seminar.starts_at),
        ),
        tr("seminars.card.place", place=place_html(seminar.place)),
        tr("formats.line", format=tr(f"formats.{seminar.format.value}")),
    ]
    if seminar.is_cancelled:
        # Neither "free" nor the user's registration: nothing here can be attended.
        return join("\n", [*lines, blank, tr("seminars.card.cancelled")])
    if seminar.starts_at <= now:
        lines += [blank, tr("seminars.card.past")]
    else:
        lines.append(
            tr(
                "seminars.card.seats",
                seats=seats_text(
                    tr,
                    seats_left,
                    offer_waitlist=participant is None or not participant.is_registered,
                ),
                capacity=seminar.capacity,
            )
        )
    if free:
        lines.append(tr("seminars.card.free"))
    if participant is not None:
        lines += [blank, _state_line(tr, participant, seminar, seats_left, now)]
    return join("\n", lines)


def _state_line(
    tr: Tr, participant: ParticipantState, seminar: Seminar, seats_left: int, now: datetime
) -> Html:
    if participant.status is RegistrationStatus.CONFIRMED:
        return tr("seminars.card.state.confirmed")
    if participant.status is RegistrationStatus.WAITLIST:
        return tr("seminars.card.state.waitlist", position=participant.waitlist_position or 0)
    if not is_open(seminar, now):
        return tr("seminars.card.state.none")
    # Says which button to press: many participants are new to Telegram buttons.
    if seats_left > 0:
        return tr("seminars.card.state.none_open")
    return tr("seminars.card.state.none_full")


def card_keyboard(tr: Tr, card: CardData, now: datetime) -> InlineKeyboardMarkup:
    seminar = card.seminar
    builder = InlineKeyboardBuilder()
    if card.participant.status is RegistrationStatus.CONFIRMED and join_available(seminar, now):
        builder.button(text=tr("online.button"), callback_data=JoinCb(seminar_id=seminar.id))
    if is_open(seminar, now):
        if card.participant.is_registered:
            waiting = card.participant.status is RegistrationStatus.WAITLIST
            key = "seminars.buttons.leave_waitlist" if waiting else "seminars.buttons.cancel"
            builder.button(
                text=tr(key),
                callback_data=SeminarCb(action="cancel", id=seminar.id),
            )
        elif card.seats_left > 0:
            builder.button(
                text=tr("seminars.buttons.register"),
                callback_data=SeminarCb(action="reg", id=seminar.id),
            )
        else:
            builder.button(
                text=tr("seminars.buttons.waitlist"),
                callback_data=SeminarCb(action="reg", id=seminar.id),
            )
        builder.button(
            text=tr("seminars.buttons.calendar"),
            callback_data=SeminarCb(action="ics", id=seminar.id),
        )
    builder.button(text=tr("seminars.buttons.back"), callback_data=SeminarPageCb(page=0))
    builder.adjust(1)
    return builder.as_markup()


def notice_keyboard(tr: Tr, seminar: Seminar) -> InlineKeyboardMarkup:
    """Buttons under a notice about one's own seat: open the seminar, or give the seat up;
    for a cancelled seminar, the list of the others."""
    builder = InlineKeyboardBuilder()
    if seminar.is_cancelled:
        builder.button(text=tr("seminars.buttons.list"), callback_data=SeminarPageCb(page=0))
        return builder.as_markup()
    builder.button(
        text=tr("seminars.buttons.open"), callback_data=SeminarCb(action="card", id=seminar.id)
    )
    builder.button(
        text=tr("seminars.buttons.cancel"), callback_data=SeminarCb(action="cancel", id=seminar.id)
    )
    builder.adjust(1)
    return builder.as_markup()


async def load_card(repos: Repositories, seminar: Seminar, user_id: int) -> CardData:
    counts = await repos.registrations.counts(seminar.id)
    registration = await repos.registrations.live(seminar.id, user_id)
    participant = ParticipantState()
    if registration is not None:
        position = None
        if registration.status is RegistrationStatus.WAITLIST:
            position = await repos.registrations.waitlist_position(registration)
        participant = ParticipantState(registration.status, position)
    return CardData(seminar, max(seminar.capacity - counts.confirmed, 0), participant)


def render_card(tr: Tr, tz: tzinfo, card: CardData, now: datetime, *, free: bool) -> Html:
    return render_seminar_card(
        card.seminar,
        tr,
        tz,
        seats_left=card.seats_left,
        now=now,
        free=free,
        participant=card.participant,
    )


def render_register_result(tr: Tr, tz: tzinfo, result: RegisterResult) -> Html:
    """What the user is told after pressing Register: a seat, or which waitlist place."""
    if result.seminar is None:
        return tr("seminars.not_found")
    title = result.seminar.title
    when = format_datetime(result.seminar.starts_at, tz, tr)
    position = result.waitlist_position or 0
    match result.outcome:
        case RegisterOutcome.CONFIRMED:
            zone = zone_phrase(tz, tr, result.seminar.starts_at)
            return tr("seminars.result.confirmed", title=title, when=when, zone=zone)
        case RegisterOutcome.WAITLISTED:
            return tr("seminars.result.waitlisted", title=title, position=position)
        case RegisterOutcome.ALREADY_CONFIRMED:
            return tr("seminars.result.already_confirmed", title=title)
        case RegisterOutcome.ALREADY_WAITLISTED:
            return tr("seminars.result.already_waitlisted", title=title, position=position)
        case RegisterOutcome.SEMINAR_CANCELLED:
            return tr("seminars.result.seminar_cancelled", title=title)
        case RegisterOutcome.CLOSED:
            return tr("seminars.result.closed", title=title)
    return tr("seminars.not_found")


def registration_reply(
    ctx: RenderContext, result: RegisterResult
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """What the user is told after a registration, with the card's buttons as they now are."""
    text = render_register_result(ctx.tr, ctx.tz, result)
    if result.seminar is None:
        return text, None
    participant = ParticipantState(result.status, result.waitlist_position)
    card = CardData(result.seminar, result.seats_left, participant)
    return text, card_keyboard(ctx.tr, card, ctx.now)
