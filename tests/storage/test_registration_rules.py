"""Seats and the waitlist: capacity is never exceeded, order is kept, promotion is atomic."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.registration import (
    CancelOutcome,
    Promotion,
    RegisterOutcome,
    RegistrationService,
)
from storage.database import Database
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def db(db: Database) -> Database:
    """The shared database with users 1…120 known to it."""
    repos = Repositories(db)
    for user_id in range(1, 121):
        await repos.users.record_seen(user_id, f"U{user_id}", None, None, "ru", NOW)
    return db


async def make_seminar(
    db: Database, capacity: int, starts_in: timedelta = timedelta(days=3)
) -> Seminar:
    return await Repositories(db).seminars.create(
        title="Социальный бизнес",
        description="",
        starts_at=NOW + starts_in,
        place="Тюмень",
        capacity=capacity,
        created_by=None,
        now=NOW,
    )


async def test_concurrent_rush_never_overbooks(db: Database) -> None:
    seminar = await make_seminar(db, capacity=10)
    service = RegistrationService(db, lambda: NOW)
    results = await asyncio.gather(*(service.register(u, seminar.id) for u in range(1, 101)))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RegisterOutcome.CONFIRMED) == 10
    assert outcomes.count(RegisterOutcome.WAITLISTED) == 90
    positions = sorted(r.waitlist_position for r in results if r.waitlist_position)
    assert positions == list(range(1, 91))
    counts = await Repositories(db).registrations.counts(seminar.id)
    assert (counts.confirmed, counts.waitlist) == (10, 90)


async def test_double_register_keeps_one_registration(db: Database) -> None:
    seminar = await make_seminar(db, capacity=5)
    service = RegistrationService(db, lambda: NOW)
    first, second = await asyncio.gather(
        service.register(1, seminar.id), service.register(1, seminar.id)
    )
    assert {first.outcome, second.outcome} == {
        RegisterOutcome.CONFIRMED,
        RegisterOutcome.ALREADY_CONFIRMED,
    }
    assert len(await Repositories(db).registrations.for_seminar(seminar.id)) == 1


async def test_cancel_promotes_first_waitlisted_and_notifies(db: Database) -> None:
    seminar = await make_seminar(db, capacity=2)
    service = RegistrationService(db, lambda: NOW)
    notified: list[Sequence[Promotion]] = []

    async def listener(promotions: Sequence[Promotion]) -> None:
        notified.append(promotions)

    service.on_promotion(listener)
    for user_id in (1, 2, 3, 4):
        await service.register(user_id, seminar.id)
    result = await service.cancel(1, seminar.id)
    assert result.outcome is CancelOutcome.CANCELLED
    assert [p.user_id for p in result.promotions] == [3]
    assert [[p.user_id for p in batch] for batch in notified] == [[3]]
    repos = Repositories(db)
    live3 = await repos.registrations.live(seminar.id, 3)
    live4 = await repos.registrations.live(seminar.id, 4)
    assert live3 is not None and live3.status is RegistrationStatus.CONFIRMED
    assert live4 is not None and await repos.registrations.waitlist_position(live4) == 1


async def test_cancelling_waitlist_place_promotes_nobody(db: Database) -> None:
    seminar = await make_seminar(db, capacity=1)
    service = RegistrationService(db, lambda: NOW)
    for user_id in (1, 2, 3):
        await service.register(user_id, seminar.id)
    result = await service.cancel(2, seminar.id)
    assert result.previous_status is RegistrationStatus.WAITLIST
    assert result.promotions == ()
    assert await service.waitlist_position(3, seminar.id) == 1


async def test_registration_closes_at_start(db: Database) -> None:
    seminar = await make_seminar(db, capacity=3, starts_in=timedelta(hours=1))
    later = RegistrationService(db, lambda: NOW + timedelta(hours=1))
    assert (await later.register(1, seminar.id)).outcome is RegisterOutcome.CLOSED


async def test_unknown_seminar(db: Database) -> None:
    service = RegistrationService(db, lambda: NOW)
    assert (await service.register(1, 424242)).outcome is RegisterOutcome.NOT_FOUND
    assert (await service.cancel(1, 424242)).outcome is CancelOutcome.NOT_FOUND


async def test_reregistering_after_cancel_goes_to_the_end_of_the_queue(db: Database) -> None:
    seminar = await make_seminar(db, capacity=1)
    service = RegistrationService(db, lambda: NOW)
    for user_id in (1, 2, 3):
        await service.register(user_id, seminar.id)
    await service.cancel(2, seminar.id)
    again = await service.register(2, seminar.id)
    assert again.outcome is RegisterOutcome.WAITLISTED and again.waitlist_position == 2


async def test_sign_up_asks_for_a_profile_first_and_reports_where_the_seminar_stands(
    db: Database,
) -> None:
    seminar = await make_seminar(db, capacity=1)
    service = RegistrationService(db, lambda: NOW)
    repos = Repositories(db)

    first = await service.sign_up(1, seminar.id)
    assert first.outcome is RegisterOutcome.NEEDS_PROFILE
    assert await repos.registrations.live(seminar.id, 1) is None

    for user_id in (1, 2, 3):
        await repos.profiles.save(user_id, f"U{user_id}", "НКО", "+79120000000", NOW, NOW)
    seat = await service.sign_up(1, seminar.id)
    assert (seat.outcome, seat.seats_left, seat.status) == (
        RegisterOutcome.CONFIRMED,
        0,
        RegistrationStatus.CONFIRMED,
    )
    await service.sign_up(2, seminar.id)
    queued = await service.sign_up(3, seminar.id)
    assert (queued.outcome, queued.waitlist_position, queued.seats_left) == (
        RegisterOutcome.WAITLISTED,
        2,
        0,
    )
    again = await service.sign_up(3, seminar.id)
    assert (again.outcome, again.waitlist_position) == (RegisterOutcome.ALREADY_WAITLISTED, 2)


async def test_sign_up_for_a_closed_seminar_needs_no_profile(db: Database) -> None:
    seminar = await make_seminar(db, capacity=5)
    later = RegistrationService(db, lambda: NOW + timedelta(days=4))
    assert (await later.sign_up(1, seminar.id)).outcome is RegisterOutcome.CLOSED
