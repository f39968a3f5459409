"""Broadcasts through the outbox over a real SQLite file; a fake bot stands in for Telegram."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.exceptions import TelegramForbiddenError, TelegramServerError
from aiogram.methods import CopyMessage

from bot.services.broadcasts import BroadcastDelivery, BroadcastService
from bot.services.outbox import RETRY_WINDOW, Outbox, Send
from bot.services.pacing import SendPacer
from storage.database import Database
from storage.models import (
    Audience,
    Broadcast,
    BroadcastStatus,
    BroadcastTally,
    DeliveryStatus,
    OutboxItem,
    Priority,
    RegistrationStatus,
)
from storage.repositories import Repositories
from tests.services.conftest import FakeClock

NOW = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
ADMIN = 1
SOURCE_CHAT = ADMIN


class FakeBot:
    """copy_message/send_message recorded; a user's entry in `errors` raises instead."""

    def __init__(self) -> None:
        self.copies: list[tuple[int, int, int]] = []
        self.texts: list[tuple[int, str]] = []
        self.order: list[str] = []
        self.errors: dict[int, list[Exception]] = {}

    def _fail(self, chat_id: int) -> None:
        queue = self.errors.get(chat_id)
        if queue:
            raise queue.pop(0)

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int) -> None:
        self.copies.append((chat_id, from_chat_id, message_id))
        self.order.append("copy")
        self._fail(chat_id)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.texts.append((chat_id, text))
        self.order.append(text)
        self._fail(chat_id)

    @property
    def recipients(self) -> Counter[int]:
        return Counter(chat_id for chat_id, _, _ in self.copies)


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


class Rig:
    def __init__(self, db: Database, view: FakeView | None = None) -> None:
        self.db = db
        self.clock = FakeClock(NOW)
        self.bot = FakeBot()
        self.view = view or FakeView()
        self.unreachable: list[int] = []
        self.outbox = Outbox(db, SendPacer(10_000), self._unreachable, self.clock)
        delivery = BroadcastDelivery(db, self.bot)  # type: ignore[arg-type]
        self.outbox.register(delivery)
        self.service = BroadcastService(
            db, self.outbox, delivery, self.view, self.clock, progress_interval=0.01
        )

    async def _unreachable(self, user_id: int) -> None:
        self.unreachable.append(user_id)
        await Repositories(self.db).users.mark_inactive(user_id)

    async def launch(self, message_id: int = 77, **kwargs: Any) -> Broadcast:
        broadcast = await self.service.launch(
            created_by=ADMIN,
            audience=kwargs.pop("audience", Audience.ALL),
            seminar_id=kwargs.pop("seminar_id", None),
            source_chat_id=SOURCE_CHAT,
            source_message_id=message_id,
        )
        assert broadcast is not None
        return broadcast

    async def finish(self, broadcast: Broadcast) -> None:
        await self.outbox.run_until_idle()
        await self.service.join(broadcast.id)


async def seed_users(db: Database, ids: range | list[int], inactive: tuple[int, ...] = ()) -> None:
    users = Repositories(db).users
    for user_id in ids:
        await users.record_seen(user_id, f"U{user_id}", None, None, "ru", NOW)
    for user_id in inactive:
        await users.mark_inactive(user_id)


def forbidden() -> TelegramForbiddenError:
    return TelegramForbiddenError(CopyMessage(chat_id=0, from_chat_id=0, message_id=0), "blocked")


def server_error() -> TelegramServerError:
    return TelegramServerError(CopyMessage(chat_id=0, from_chat_id=0, message_id=0), "Bad Gateway")


async def test_everyone_active_gets_exactly_one_copy(db: Database) -> None:
    await seed_users(db, range(1, 41), inactive=(5, 6))
    rig = Rig(db)
    rig.bot.errors = {7: [forbidden()]}

    broadcast = await rig.launch()
    await rig.finish(broadcast)

    assert set(rig.bot.recipients) == set(range(1, 41)) - {5, 6}
    assert set(rig.bot.recipients.values()) == {1}
    assert {(from_chat, msg) for _, from_chat, msg in rig.bot.copies} == {(SOURCE_CHAT, 77)}
    [(finished, tally)] = rig.view.reports
    assert finished.status is BroadcastStatus.DONE
    assert tally == BroadcastTally(sent=37, blocked=1)
    assert rig.unreachable == [7]
    assert rig.view.progress[0].total == 38


async def test_seminar_audiences_are_frozen_at_launch(db: Database) -> None:
    await seed_users(db, range(1, 6))
    repos = Repositories(db)
    seminar = await repos.seminars.create(
        title="S",
        description="",
        starts_at=NOW + timedelta(days=3),
        place="P",
        capacity=2,
        created_by=ADMIN,
        now=NOW,
    )
    for user_id, status in ((1, "confirmed"), (2, "confirmed"), (3, "waitlist")):
        await repos.registrations.insert(seminar.id, user_id, RegistrationStatus(status), NOW)
    rig = Rig(db)
    broadcast = await rig.launch(audience=Audience.CONFIRMED, seminar_id=seminar.id)
    await repos.registrations.insert(seminar.id, 4, RegistrationStatus.CONFIRMED, NOW)
    await rig.finish(broadcast)
    assert sorted(rig.bot.recipients) == [1, 2]


async def test_same_message_cannot_start_two_broadcasts(db: Database) -> None:
    await seed_users(db, range(1, 4))
    rig = Rig(db)
    first = await rig.launch(5)
    second = await rig.service.launch(ADMIN, Audience.ALL, None, SOURCE_CHAT, 5)
    await rig.finish(first)
    assert second is None
    assert sorted(rig.bot.recipients.elements()) == [1, 2, 3]


async def test_stop_leaves_the_rest_unsent_and_counts_them(db: Database) -> None:
    await seed_users(db, range(1, 51))
    rig = Rig(db)
    broadcast = await rig.launch()
    repo = Repositories(db).outbox
    for _ in range(4):
        item = await repo.claim_next(rig.clock())
        assert item is not None
        await rig.outbox._deliver(item)  # four copies have left when the admin presses Stop
    assert await rig.service.stop(broadcast.id) is True
    assert await rig.service.stop(broadcast.id) is False
    await rig.finish(broadcast)
    [(finished, tally)] = rig.view.reports
    assert finished.status is BroadcastStatus.STOPPED
    assert tally == BroadcastTally(sent=4, stopped=46)
    assert len(rig.bot.copies) == 4


async def test_claims_left_by_a_crash_are_uncertain_and_resent_only_on_request(
    db: Database,
) -> None:
    await seed_users(db, range(1, 11))
    crashed = Rig(db)
    broadcast = await crashed.launch()
    repo = Repositories(db).outbox
    for _ in range(2):  # two requests in flight when the process dies
        assert await repo.claim_next(crashed.clock()) is not None
    await crashed.service.shutdown()

    restarted = Rig(db)
    await restarted.outbox.start()
    await restarted.outbox.shutdown()  # start marked the claims uncertain; loop not needed
    await restarted.service.resume()
    await restarted.finish(broadcast)
    [(_, tally)] = restarted.view.reports
    assert tally == BroadcastTally(sent=8, uncertain=2)
    assert sorted(restarted.bot.recipients) == list(range(3, 11))

    assert await restarted.service.resend_uncertain(broadcast.id) == 2
    await restarted.finish(broadcast)
    assert await restarted.service.resend_uncertain(broadcast.id) == 0
    assert sorted(restarted.bot.recipients) == list(range(1, 11))
    assert set(restarted.bot.recipients.values()) == {1}
    [_, (again, tally)] = restarted.view.reports
    assert again.status is BroadcastStatus.DONE
    assert tally == BroadcastTally(sent=10)


async def test_server_errors_are_retried_with_backoff_not_failed(db: Database) -> None:
    await seed_users(db, range(1, 4))
    rig = Rig(db)
    rig.bot.errors = {2: [server_error(), server_error()]}
    broadcast = await rig.launch()
    await rig.outbox.run_until_idle()
    assert sorted(rig.bot.recipients.elements()) == [1, 2, 3]  # 2 refused once, back in the queue
    rig.clock.advance(timedelta(seconds=1))
    await rig.outbox.run_until_idle()
    assert rig.bot.recipients[2] == 2
    await rig.outbox.run_until_idle()
    assert rig.bot.recipients[2] == 2  # the second backoff (2 s) has not passed
    rig.clock.advance(timedelta(seconds=2))
    await rig.finish(broadcast)
    [(_, tally)] = rig.view.reports
    assert tally == BroadcastTally(sent=3)
    assert rig.bot.recipients[2] == 3


async def test_server_errors_fail_only_after_the_retry_window(db: Database) -> None:
    await seed_users(db, [1])
    rig = Rig(db)
    rig.bot.errors = {1: [server_error() for _ in range(100)]}
    broadcast = await rig.launch()
    started = rig.clock()
    while rig.clock() - started <= RETRY_WINDOW:
        await rig.outbox.run_until_idle()
        assert await Repositories(db).outbox.counts("broadcast", str(broadcast.id)) != {}
        rig.clock.advance(timedelta(seconds=61))
    await rig.finish(broadcast)
    [(_, tally)] = rig.view.reports
    assert tally == BroadcastTally(failed=1)
    assert 10 <= rig.bot.recipients[1] <= 20


class PersonalKind:
    name = "personal"

    def __init__(self, bot: FakeBot) -> None:
        self._bot = bot

    async def prepare(self, item: OutboxItem) -> Send | None:
        return lambda: self._bot.send_message(item.chat_id, "personal")

    def settled(self, item: OutboxItem, status: DeliveryStatus) -> None:
        return None


async def test_personal_deliveries_go_ahead_of_a_broadcast(db: Database) -> None:
    await seed_users(db, range(1, 21))
    rig = Rig(db)
    rig.outbox.register(PersonalKind(rig.bot))
    broadcast = await rig.launch()
    await Repositories(db).outbox.enqueue("personal", "p", Priority.PERSONAL, [20], rig.clock())
    await rig.finish(broadcast)
    assert rig.bot.order[0] == "personal"
    assert rig.bot.order.count("copy") == 20


async def test_errors_in_the_view_do_not_break_the_job(db: Database) -> None:
    await seed_users(db, range(1, 6))
    rig = Rig(db, FakeView(fail=True))
    broadcast = await rig.launch()
    await rig.finish(broadcast)
    assert len(rig.view.reports) == 1
    assert sorted(rig.bot.recipients) == [1, 2, 3, 4, 5]
