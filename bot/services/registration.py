"""Seats and the waitlist: registering, cancelling and promoting, each in one transaction.

Every decision about a seat is taken inside `BEGIN IMMEDIATE`, so a count read and the
row written after it can never be separated by another registration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.clock import Clock
from bot.services.notices import enqueue_notice, notice_payload
from storage.database import Database, Transaction
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories


class RegisterOutcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_WAITLISTED = "already_waitlisted"
    NOT_FOUND = "not_found"
    SEMINAR_CANCELLED = "seminar_cancelled"
    CLOSED = "closed"  # the seminar has started or is over
    NEEDS_PROFILE = "needs_profile"  # open, but the participant has not filled in a profile


@dataclass(frozen=True, slots=True)
class RegisterResult:
    """The outcome, and where the seminar stands right after it (same transaction)."""

    outcome: RegisterOutcome
    seminar: Seminar | None
    waitlist_position: int | None = None
    seats_left: int = 0

    @property
    def status(self) -> RegistrationStatus | None:
        """The user's registration after this outcome; None when they hold none."""
        if self.outcome in (RegisterOutcome.CONFIRMED, RegisterOutcome.ALREADY_CONFIRMED):
            return RegistrationStatus.CONFIRMED
        if self.outcome in (RegisterOutcome.WAITLISTED, RegisterOutcome.ALREADY_WAITLISTED):
            return RegistrationStatus.WAITLIST
        return None


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    NOT_REGISTERED = "not_registered"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Promotion:
    """A waitlisted user who just got a seat."""

    user_id: int
    seminar: Seminar
    registration_id: int


@dataclass(frozen=True, slots=True)
class CancelResult:
    outcome: CancelOutcome
    seminar: Seminar | None
    previous_status: RegistrationStatus | None = None
    promotions: tuple[Promotion, ...] = ()


PromotionListener = Callable[[Sequence[Promotion]], Awaitable[None]]


async def promote_from_waitlist(
    repos: Repositories, seminar: Seminar, clock: Clock
) -> list[Promotion]:
    """Give free seats to the first waitlisted users; call inside a transaction.

    Each promoted user's notice is queued in the same transaction.
    """
    counts = await repos.registrations.counts(seminar.id)
    free = seminar.capacity - counts.confirmed
    if free <= 0 or counts.waitlist == 0:
        return []
    now = clock()
    promotions = []
    payload = notice_payload(
        "seminars.notice.promoted",
        {"title": seminar.title, "place": seminar.place},
        {"when": seminar.starts_at},
        zone_at=seminar.starts_at,
        seminar_id=seminar.id,
    )
    for registration in await repos.registrations.first_waitlisted(seminar.id, free):
        await repos.registrations.set_status(registration.id, RegistrationStatus.CONFIRMED, now)
        if registration.user_id is not None:
            promotions.append(Promotion(registration.user_id, seminar, registration.id))
            await enqueue_notice(
                repos, f"promoted:{registration.id}", [registration.user_id], payload, now
            )
    return promotions


class RegistrationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._promotion_listeners: list[PromotionListener] = []

    def on_promotion(self, listener: PromotionListener) -> None:
        """Called after the transaction that promoted users (and queued their notices) committed."""
        self._promotion_listeners.append(listener)

    async def notify_promotions(self, promotions: Sequence[Promotion]) -> None:
        if promotions:
            for listener in self._promotion_listeners:
                await listener(promotions)

    async def sign_up(self, user_id: int, seminar_id: int) -> RegisterResult:
        """A participant asks for a seat: without a profile, an open seminar asks for one first."""
        return await self._register(user_id, seminar_id, needs_profile=True)

    async def register(self, user_id: int, seminar_id: int) -> RegisterResult:
        """A seat or a waitlist place, whether or not the user has a profile."""
        return await self._register(user_id, seminar_id, needs_profile=False)

    async def _register(
        self, user_id: int, seminar_id: int, *, needs_profile: bool
    ) -> RegisterResult:
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            seminar = await repos.seminars.get(seminar_id)
            if seminar is None:
                return RegisterResult(RegisterOutcome.NOT_FOUND, None)
            if seminar.is_cancelled:
                return RegisterResult(RegisterOutcome.SEMINAR_CANCELLED, seminar)
            now = self._clock()
            if seminar.starts_at <= now:
                return RegisterResult(RegisterOutcome.CLOSED, seminar)
            if needs_profile and await repos.profiles.get(user_id) is None:
                return RegisterResult(RegisterOutcome.NEEDS_PROFILE, seminar)
            outcome, position = await self._take_place(repos, seminar, user_id, now)
            counts = await repos.registrations.counts(seminar_id)
            seats_left = max(seminar.capacity - counts.confirmed, 0)
            return RegisterResult(outcome, seminar, position, seats_left)

    @staticmethod
    async def _take_place(
        repos: Repositories, seminar: Seminar, user_id: int, now: datetime
    ) -> tuple[RegisterOutcome, int | None]:
        existing = await repos.registrations.live(seminar.id, user_id)
        if existing is not None:
            if existing.status is RegistrationStatus.CONFIRMED:
                return RegisterOutcome.ALREADY_CONFIRMED, None
            position = await repos.registrations.waitlist_position(existing)
            return RegisterOutcome.ALREADY_WAITLISTED, position
        counts = await repos.registrations.counts(seminar.id)
        if counts.confirmed < seminar.capacity and counts.waitlist == 0:
            await repos.registrations.insert(seminar.id, user_id, RegistrationStatus.CONFIRMED, now)
            return RegisterOutcome.CONFIRMED, None
        registration = await repos.registrations.insert(
            seminar.id, user_id, RegistrationStatus.WAITLIST, now
        )
        return RegisterOutcome.WAITLISTED, await repos.registrations.waitlist_position(registration)

    async def cancel(self, user_id: int, seminar_id: int) -> CancelResult:
        async with self._db.transaction() as tx:
            result = await self.cancel_in(tx, user_id, seminar_id)
        await self.notify_promotions(result.promotions)
        return result

    async def cancel_in(self, tx: Transaction, user_id: int, seminar_id: int) -> CancelResult:
        """Cancel inside the caller's transaction; the caller notifies promotions after commit."""
        repos = Repositories(tx)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None:
            return CancelResult(CancelOutcome.NOT_FOUND, None)
        registration = await repos.registrations.live(seminar_id, user_id)
        if registration is None:
            return CancelResult(CancelOutcome.NOT_REGISTERED, seminar)
        await repos.registrations.set_status(
            registration.id, RegistrationStatus.CANCELLED, self._clock()
        )
        promotions: list[Promotion] = []
        if (
            registration.status is RegistrationStatus.CONFIRMED
            and not seminar.is_cancelled
            and seminar.starts_at > self._clock()
        ):
            promotions = await promote_from_waitlist(repos, seminar, self._clock)
        return CancelResult(
            CancelOutcome.CANCELLED, seminar, registration.status, tuple(promotions)
        )

    async def waitlist_position(self, user_id: int, seminar_id: int) -> int | None:
        repos = Repositories(self._db)
        registration = await repos.registrations.live(seminar_id, user_id)
        if registration is None or registration.status is not RegistrationStatus.WAITLIST:
            return None
        return await repos.registrations.waitlist_position(registration)
