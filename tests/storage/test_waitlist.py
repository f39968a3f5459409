"""Seats and the waitlist in SQLite: order of arrival, promotion on cancel, forgetting a user."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.privacy import PrivacyService
from bot.services.registration import (
    CancelOutcome,
    Promotion,
    RegisterOutcome,
    RegistrationService,
)
from bot.services.users import UserDirectory
from storage.database import Database
from storage.dialogs import DialogStore
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
async def db(db: Database) -> Database:
    """The shared database with users 1…30 known to it."""
    repos = Repositories(db)
    for user_id in range(1, 31):
        await repos.users.record_seen(user_id, f"U{user_id}", None, None, "ru", NOW)
    return db


async def make_seminar(db: Database, capacity: int, starts_in: timedelta) -> Seminar:
    return await Repositories(db).seminars.create(
        "Social business", "", NOW + starts_in, "Tyumen", capacity, None, NOW
    )


async def test_waitlist_is_ordered_by_arrival(db: Database) -> None:
    seminar = await make_seminar(db, 2, timedelta(days=1))
    service = RegistrationService(db, clock)
    outcomes = [await service.register(user_id, seminar.id) for user_id in range(1, 7)]
    assert [o.outcome for o in outcomes[:2]] == [RegisterOutcome.CONFIRMED] * 2
    assert [o.outcome for o in outcomes[2:]] == [RegisterOutcome.WAITLISTED] * 4
    assert [o.waitlist_position for o in outcomes[2:]] == [1, 2, 3, 4]
    waiting = await Repositories(db).registrations.first_waitlisted(seminar.id, 10)
    assert [r.user_id for r in waiting] == [3, 4, 5, 6]


async def test_concurrent_registrations_never_overbook(db: Database) -> None:
    seminar = await make_seminar(db, 5, timedelta(days=1))
    service = RegistrationService(db, clock)
    results = await asyncio.gather(*(service.register(u, seminar.id) for u in range(1, 31)))
    confirmed = [r for r in results if r.outcome is RegisterOutcome.CONFIRMED]
    waitlisted = sorted(
        r.waitlist_position or 0 for r in results if r.outcome is RegisterOutcome.WAITLISTED
    )
    assert len(confirmed) == 5
    assert waitlisted == list(range(1, 26))
    counts = await Repositories(db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (5, 25)


async def test_double_register_keeps_one_registration(db: Database) -> None:
    seminar = await make_seminar(db, 1, timedelta(days=1))
    service = RegistrationService(db, clock)
    first, second = await asyncio.gather(
        service.register(1, seminar.id), service.register(1, seminar.id)
    )
    assert {first.outcome, second.outcome} == {
        RegisterOutcome.CONFIRMED,
        RegisterOutcome.ALREADY_CONFIRMED,
    }
    rows = await Repositories(db).registrations.for_seminar(seminar.id)
    assert len(rows) == 1


async def test_cancel_promotes_first_waitlisted_and_notifies_after_commit(db: Database) -> None:
    seminar = await make_seminar(db, 2, timedelta(days=1))
    service = RegistrationService(db, clock)
    told: list[Promotion] = []

    async def listener(promotions: Sequence[Promotion]) -> None:
        # Runs after commit: the promoted row is already visible through the database.
        for promotion in promotions:
            live = await Repositories(db).registrations.live(seminar.id, promotion.user_id)
            assert live is not None and live.status is RegistrationStatus.CONFIRMED
        told.extend(promotions)

    service.on_promotion(listener)
    for user_id in (1, 2, 3, 4):
        await service.register(user_id, seminar.id)
    result = await service.cancel(1, seminar.id)
    assert result.outcome is CancelOutcome.CANCELLED
    assert [p.user_id for p in told] == [3]
    assert await service.waitlist_position(4, seminar.id) == 1

    # Leaving the waitlist promotes nobody.
    result = await service.cancel(4, seminar.id)
    assert result.previous_status is RegistrationStatus.WAITLIST
    assert result.promotions == ()
    counts = await Repositories(db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (2, 0)


async def test_new_registrant_queues_behind_waitlist_when_seat_frees(db: Database) -> None:
    """A freed seat goes to the waitlist, never to whoever presses Register next."""
    seminar = await make_seminar(db, 1, timedelta(days=1))
    service = RegistrationService(db, clock)
    await service.register(1, seminar.id)
    await service.register(2, seminar.id)
    async with db.transaction() as tx:
        # A seat freed without promotion (e.g. capacity raised) must still go to user 2.
        await Repositories(tx).seminars.update(seminar.id, NOW, capacity=2)
    result = await service.register(3, seminar.id)
    assert result.outcome is RegisterOutcome.WAITLISTED


async def test_registration_closes_at_start(db: Database) -> None:
    seminar = await make_seminar(db, 3, timedelta(seconds=0))
    result = await RegistrationService(db, clock).register(1, seminar.id)
    assert result.outcome is RegisterOutcome.CLOSED


class ForgottenQuestions:
    """Stands in for the staff messages: records what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[list[int], bool, list[int]]] = []

    async def questions_forgotten(
        self, question_ids: Sequence[int], faq_changed: bool, unpublished: Sequence[int]
    ) -> None:
        self.told.append((list(question_ids), faq_changed, list(unpublished)))


async def test_forget_user_cancels_upcoming_and_anonymises_past(db: Database) -> None:
    repos = Repositories(db)
    upcoming = await make_seminar(db, 1, timedelta(days=2))
    past = await make_seminar(db, 5, timedelta(days=1))
    service = RegistrationService(db, clock)
    await service.register(1, upcoming.id)
    await service.register(2, upcoming.id)
    await service.register(1, past.id)
    await repos.profiles.save(1, "Ivan Petrov", "NGO", "+79123456789", NOW, NOW)
    question = await repos.questions.create(1, "Можно прийти с коллегой?", NOW)
    promoted: list[int] = []

    async def listener(promotions: Sequence[Promotion]) -> None:
        promoted.extend(p.user_id for p in promotions)

    service.on_promotion(listener)

    later = NOW + timedelta(days=1, hours=1)  # `past` has started, `upcoming` has not
    staff_posts = ForgottenQuestions()
    privacy = PrivacyService(
        db, service, UserDirectory(db, clock), DialogStore(db), staff_posts, lambda: later
    )
    result = await privacy.forget_me(1)

    assert (result.profile_deleted, result.cancelled, result.anonymised) == (True, 1, 1)
    assert promoted == [2]
    assert await repos.profiles.get(1) is None
    assert await repos.registrations.live_for_user(1) == []
    kept = await repos.registrations.for_seminar(past.id)
    assert [(r.user_id, r.status) for r in kept] == [(None, RegistrationStatus.CONFIRMED)]
    user = await repos.users.get(1)
    assert user is not None and user.first_name == "" and user.username is None
    kept_question = await repos.questions.get(question.id)
    assert kept_question is not None and kept_question.user_id is None
    assert kept_question.text == "" and result.questions == 1
    assert staff_posts.told == [([question.id], False, [])]
