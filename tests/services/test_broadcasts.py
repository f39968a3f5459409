"""BroadcastService over a real SQLite file with a fake sender standing in for Telegram."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.services.broadcasts import BroadcastService
from bot.services.sender import Delivery
from storage.database import Database
from storage.models import (
    Audience,
    Broadcast,
    BroadcastStatus,
    BroadcastTally,
    RecipientStatus,
    RegistrationStatus,
)
from storage.repositories import Repositories

NOW = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
ADMIN = 1
SOURCE_CHAT = ADMIN


class FakeSender:
    """Records copy_message calls; outcomes per user; can hold deliveries at a gate."""

    def __init__(
        self, outcomes: dict[int, Delivery] | None = None, raising: frozenset[int] = frozenset()
    ) -> None:
        self.outcomes = outcomes or {}
        self.raising = raising
        self.calls: list[tuple[int, int, int]] = []
        self.gate: asyncio.Event | None = None
        self.in_flight = 0
        self.max_in_flight = 0
        self.open_gate_at: int | None = None  # open the gate once this many are in flight
        self.waiting = asyncio.Event()

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int) -> Delivery:
        self.calls.append((chat_id, from_chat_id, message_id))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                self.waiting.set()
                if self.open_gate_at is not None and self.in_flight >= self.open_gate_at:
                    self.gate.set()
                await self.gate.wait()
            await asyncio.sleep(0)
            if chat_id in self.raising:
                raise RuntimeError("unexpected")
            return self.outcomes.get(chat_id, Delivery.SENT)
        finally:
            self.in_flight -= 1

    @property
    def recipients(self) -> Counter[int]:
        return Counter(chat_id for chat_id, _, _ in self.calls)


class FakeView:
    def __init__(self, fail: bool = False) -> None:
        self.progress: list[BroadcastTally] = []
        self.reports: list[tuple[Broadcast, BroadcastTally]] = []
        self._fail = fail

    async def show_progress(self, broadcast: Broadcast, tally: BroadcastTally) -> None:
        self.progress.append(tally)
        if self._fail:
            raise RuntimeError("message is not modified")

    async def show_report(self, broadcast: Broadcast, tally: BroadcastTally) -> None:
        self.reports.append((broadcast, tally))
        if self._fail:
            raise RuntimeError("message to edit not found")


async def seed_users(db: Database, ids: range | list[int], inactive: tuple[int, ...] = ()) -> None:
    users = Repositories(db).users
    for user_id in ids:
        await users.record_seen(user_id, f"U{user_id}", None, None, "ru", NOW)
    for user_id in inactive:
        await users.mark_inactive(user_id)


def service(db: Database, sender: FakeSender, view: FakeView, **kwargs: float) -> BroadcastService:
    return BroadcastService(db, sender, view, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


async def launch(svc: BroadcastService, message_id: int = 77, **kwargs: object) -> Broadcast:
    broadcast = await svc.launch(
        created_by=ADMIN,
        audience=kwargs.pop("audience", Audience.ALL),  # type: ignore[arg-type]
        seminar_id=kwargs.pop("seminar_id", None),  # type: ignore[arg-type]
        source_chat_id=SOURCE_CHAT,
        source_message_id=message_id,
    )
    assert broadcast is not None
    return broadcast


async def test_everyone_active_gets_exactly_one_copy(db: Database) -> None:
    await seed_users(db, range(1, 41), inactive=(5, 6))
    sender, view = FakeSender({7: Delivery.BLOCKED, 8: Delivery.FAILED}), FakeView()
    svc = service(db, sender, view)

    broadcast = await launch(svc)
    await svc.join(broadcast.id)

    assert set(sender.recipients) == set(range(1, 41)) - {5, 6}
    assert set(sender.recipients.values()) == {1}
    assert {(from_chat, msg) for _, from_chat, msg in sender.calls} == {(SOURCE_CHAT, 77)}
    [(finished, tally)] = view.reports
    assert finished.status is BroadcastStatus.DONE
    assert finished.finished_at == NOW
    assert tally == BroadcastTally(sent=36, blocked=1, failed=1)
    assert view.progress[0] == BroadcastTally(pending=38)


async def test_workers_run_in_parallel_and_never_share_a_recipient(db: Database) -> None:
    await seed_users(db, range(1, 101))
    sender = FakeSender()
    sender.gate, sender.open_gate_at = asyncio.Event(), 8
    svc = service(db, sender, FakeView(), max_workers=8)

    broadcast = await launch(svc)
    async with asyncio.timeout(10):  # the gate opens only with eight deliveries in flight
        await svc.join(broadcast.id)

    assert sender.max_in_flight == 8
    assert sorted(sender.recipients) == list(range(1, 101))
    assert set(sender.recipients.values()) == {1}


async def test_seminar_audiences_are_frozen_at_launch(db: Database) -> None:
    await seed_users(db, range(1, 8), inactive=(3,))
    repos = Repositories(db)
    seminar = await repos.seminars.create(
        "Grants", "", NOW + timedelta(days=3), "Tyumen", 2, ADMIN, NOW
    )
    for user_id, status in (
        (2, RegistrationStatus.CONFIRMED),
        (3, RegistrationStatus.CONFIRMED),
        (4, RegistrationStatus.CONFIRMED),
        (5, RegistrationStatus.WAITLIST),
        (6, RegistrationStatus.CANCELLED),
    ):
        await repos.registrations.insert(seminar.id, user_id, status, NOW)
    sender = FakeSender()
    sender.gate = asyncio.Event()
    svc = service(db, sender, FakeView())

    assert await svc.count(Audience.CONFIRMED, seminar.id) == 2
    assert await svc.count(Audience.WAITLIST, seminar.id) == 1
    assert await svc.count(Audience.ALL, None) == 6
    confirmed = await launch(svc, 10, audience=Audience.CONFIRMED, seminar_id=seminar.id)
    await sender.waiting.wait()
    # Joining after the launch does not add a recipient.
    await repos.registrations.insert(seminar.id, 7, RegistrationStatus.CONFIRMED, NOW)
    sender.gate.set()
    await svc.join(confirmed.id)
    waitlist = await launch(svc, 11, audience=Audience.WAITLIST, seminar_id=seminar.id)
    await svc.join(waitlist.id)

    assert [(c[0], c[2]) for c in sender.calls] == [(2, 10), (4, 10), (5, 11)]


async def test_same_message_cannot_start_two_broadcasts(db: Database) -> None:
    await seed_users(db, range(1, 4))
    sender = FakeSender()
    svc = service(db, sender, FakeView())

    first = await launch(svc, 5)
    second = await svc.launch(ADMIN, Audience.ALL, None, SOURCE_CHAT, 5)
    await svc.join(first.id)

    assert second is None
    assert sorted(sender.recipients.elements()) == [1, 2, 3]


async def test_stop_leaves_the_rest_unsent_and_counts_them(db: Database) -> None:
    await seed_users(db, range(1, 51))
    sender = FakeSender()
    sender.gate = asyncio.Event()
    view = FakeView()
    svc = service(db, sender, view, max_workers=4)

    broadcast = await launch(svc)
    await sender.waiting.wait()
    assert await svc.stop(broadcast.id) is True
    assert await svc.stop(broadcast.id) is False
    sender.gate.set()
    await svc.join(broadcast.id)

    [(finished, tally)] = view.reports
    assert finished.status is BroadcastStatus.STOPPED
    assert tally == BroadcastTally(sent=4, stopped=46)
    assert len(sender.calls) == 4


async def test_resume_after_crash_never_resends_claimed_recipients(db: Database) -> None:
    await seed_users(db, range(1, 21))
    repo = Repositories(db).broadcasts
    async with db.transaction() as tx:
        crashed = await Repositories(tx).broadcasts.create(
            ADMIN, Audience.ALL, None, SOURCE_CHAT, 99, SOURCE_CHAT, 500, NOW
        )
    # The previous process: users 1-5 delivered, 6-8 claimed (in flight) when it died.
    for _ in range(8):
        await repo.claim_next(crashed.id, NOW)
    for user_id in range(1, 6):
        await repo.record(crashed.id, user_id, RecipientStatus.SENT, NOW)
    sender, view = FakeSender(), FakeView()
    svc = service(db, sender, view)

    resumed = await svc.resume()
    await svc.join(crashed.id)

    assert [b.id for b in resumed] == [crashed.id]
    assert sorted(sender.recipients) == list(range(9, 21))
    assert set(sender.recipients.values()) == {1}
    [(finished, tally)] = view.reports
    assert finished.status is BroadcastStatus.DONE
    assert tally == BroadcastTally(sent=17, failed=3)
    assert await service(db, FakeSender(), FakeView()).resume() == []


async def test_shutdown_keeps_the_job_resumable(db: Database) -> None:
    await seed_users(db, range(1, 31))
    sender = FakeSender()
    sender.gate = asyncio.Event()
    svc = service(db, sender, FakeView(), max_workers=3, drain_timeout=5)

    broadcast = await launch(svc)
    await sender.waiting.wait()
    closing = asyncio.create_task(svc.shutdown())
    sender.gate.set()
    await closing

    stored = await Repositories(db).broadcasts.get(broadcast.id)
    assert stored is not None and stored.status is BroadcastStatus.RUNNING
    assert await Repositories(db).broadcasts.tally(broadcast.id) == BroadcastTally(
        pending=27, sent=3
    )
    later, view = FakeSender(), FakeView()
    restarted = service(db, later, view)
    await restarted.resume()
    await restarted.join(broadcast.id)
    assert sorted([*sender.recipients, *later.recipients]) == list(range(1, 31))
    assert view.reports[0][1] == BroadcastTally(sent=30)


async def test_shutdown_cancels_deliveries_that_outlast_the_drain(db: Database) -> None:
    await seed_users(db, range(1, 11))
    sender = FakeSender()
    sender.gate = asyncio.Event()
    svc = service(db, sender, FakeView(), max_workers=2, drain_timeout=0.05)

    broadcast = await launch(svc)
    await sender.waiting.wait()
    await svc.shutdown()

    later = FakeSender()
    restarted = service(db, later, FakeView())
    await restarted.resume()
    await restarted.join(broadcast.id)
    assert not set(sender.recipients) & set(later.recipients)
    assert await Repositories(db).broadcasts.tally(broadcast.id) == BroadcastTally(sent=8, failed=2)


async def test_errors_in_delivery_or_view_do_not_break_the_job(db: Database) -> None:
    await seed_users(db, range(1, 11))
    sender = FakeSender(raising=frozenset({3}))
    view = FakeView(fail=True)
    svc = service(db, sender, view)

    broadcast = await launch(svc)
    await svc.join(broadcast.id)

    assert len(view.reports) == 1
    assert view.reports[0][1] == BroadcastTally(sent=9, failed=1)


async def test_progress_is_not_shown_more_often_than_the_interval(db: Database) -> None:
    await seed_users(db, range(1, 31))
    view = FakeView()
    svc = service(db, FakeSender(), view, progress_interval=3.0)

    broadcast = await launch(svc)
    await svc.join(broadcast.id)

    assert view.progress == [BroadcastTally(pending=30)]
    assert len(view.reports) == 1
