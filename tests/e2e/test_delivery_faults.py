"""Each stated delivery guarantee broken on purpose: SIGKILL and SIGTERM mid-send and
mid-burst, a 10-second Bot API outage. Nothing lost, nothing doubled without the admin's say.

Kills are fired by the fake server the moment it receives the Nth request (`on_record`),
while that request's answer is still held back (`latency`): the bot dies with that
delivery in flight, the case that becomes `uncertain`.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.sandbox.fakeapi import FakeBotAPI
from storage.database import Database
from storage.models import RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot
from tests.e2e.test_admin_seminars import local_input
from tests.e2e.test_broadcast import ADMIN_ID, copies, seed_users, start_broadcast
from tests.fakeapi.process import BotProcess

GREETING = "Здравствуйте"


def kill_on(api: FakeBotAPI, bot: BotProcess, method: str, nth: int) -> None:
    """SIGKILL the bot when the server receives its `nth` call of `method`."""
    seen = 0

    def hook(name: str, params: dict[str, Any]) -> None:
        nonlocal seen
        if name == method:
            seen += 1
            if seen == nth:
                bot.kill()

    api.on_record = hook


def count_in(report: str, label: str) -> int:
    match = re.search(rf"{label}[^:]*: (\d+)", report)
    assert match, f"no {label!r} in the report:\n{report}"
    return int(match.group(1))


async def test_sigkill_mid_broadcast_leaves_few_uncertain_and_resend_reaches_them_once(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    ids = await seed_users(fake_api, tmp_path / "bot.sqlite3", 150)
    everyone = {*ids, ADMIN_ID}
    admin = fake_api.user(ADMIN_ID, first_name="Admin")
    env = {"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": "20"}
    fake_api.latency = 0.08
    bot = await run_bot(env=env)
    source_id, _ = await start_broadcast(fake_api, admin)
    kill_on(fake_api, bot, "copyMessage", 60)
    assert await bot.process.wait() != 0
    fake_api.on_record = None
    before = copies(fake_api, source_id)

    await run_bot(env=env)
    report = await admin.wait_message("Доставлено", timeout=60)
    received = copies(fake_api, source_id)
    assert set(received.values()) == {1}, "somebody got the broadcast twice"
    uncertain = count_in(report.text or "", "Неизвестно")
    assert 1 <= uncertain <= 2
    assert count_in(report.text or "", "Доставлено") == len(everyone) - uncertain
    assert count_in(report.text or "", "Не доставлено") == 0
    assert set(received) == everyone  # the uncertain ones had been received before the kill
    assert len(before) < len(everyone)

    await admin.press(f"Отправить ещё раз неуверенным ({uncertain})", message_id=report.message_id)
    again = await admin.wait_message(
        "Доставлено", predicate=lambda m: m.message_id != report.message_id, timeout=30
    )
    assert count_in(again.text or "", "Неизвестно") == 0
    resent = copies(fake_api, source_id) - received
    assert sum(resent.values()) == uncertain and set(resent.values()) == {1}


async def test_ten_seconds_of_server_errors_delay_a_broadcast_but_lose_nobody(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    ids = await seed_users(fake_api, tmp_path / "bot.sqlite3", 80)
    everyone = {*ids, ADMIN_ID}
    admin = fake_api.user(ADMIN_ID, first_name="Admin")
    await run_bot(env={"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": "20"})
    source_id, _ = await start_broadcast(fake_api, admin)
    assert await fake_api.world.wait_for(
        lambda: sum(copies(fake_api, source_id).values()) >= 10, timeout=30
    )
    fake_api.fail_for(10.0, 500)
    report = await admin.wait_message("Доставлено", timeout=120)
    received = copies(fake_api, source_id)
    assert set(received) == everyone and set(received.values()) == {1}
    assert count_in(report.text or "", "Доставлено") == len(everyone)
    assert count_in(report.text or "", "Не доставлено") == 0
    assert any(r.status == 500 for r in fake_api.rejected)


async def seed_seminar(db_path: Path, starts_at: datetime, user_ids: list[int]) -> None:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        seminar = await repos.seminars.create(
            "Гранты для НКО", "", starts_at, "Тюмень", len(user_ids), None, now
        )
        for user_id in user_ids:
            await repos.users.record_seen(user_id, f"U{user_id}", None, None, "ru", now)
            await repos.registrations.insert(seminar.id, user_id, RegistrationStatus.CONFIRMED, now)
    finally:
        await db.close()


async def test_sigkill_during_a_move_notice_to_200_each_gets_exactly_one(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    admin = fake_api.user(5001, "Ольга", username="olga")
    ids = list(range(1, 201))
    for user_id in ids:
        fake_api.user(user_id, f"U{user_id}", username=None)
    old_start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    await seed_seminar(tmp_path / "bot.sqlite3", old_start, ids)
    env = {"ADMIN_IDS": str(admin.id), "BROADCAST_RATE": "20"}
    fake_api.latency = 0.08
    bot = await run_bot(env=env)

    def notices() -> Counter[int]:  # a move notice is the new .ics with the notice as caption
        return Counter(
            p["chat_id"]
            for p in fake_api.calls("sendDocument")
            if "перенесён" in p.get("caption", "")
        )

    await admin.send("/edit_seminar")
    await admin.wait_message("Какой семинар изменить")
    await admin.press("Гранты для НКО")
    await admin.wait_message("Что изменить")
    await admin.press("Дата и время")
    await admin.wait_message(local_input(old_start))
    kill_on(fake_api, bot, "sendDocument", 60)  # about 60 notices
    await admin.send(local_input(old_start + timedelta(days=1)))
    assert await bot.process.wait() != 0
    fake_api.on_record = None
    assert 0 < len(notices()) < len(ids)

    await run_bot(env=env)
    assert await fake_api.world.wait_for(lambda: len(notices()) == len(ids), timeout=60)
    await asyncio.sleep(0)
    assert set(notices().values()) == {1}, "somebody got the notice twice"


async def burst(api: FakeBotAPI, count: int) -> list[int]:
    ids = list(range(10_001, 10_001 + count))
    for user_id in ids:
        user = api.user(user_id, f"U{user_id}", username=None)
        update = api.make_update("message", user.build_message("/start"))
        api.world.enqueue(update)
    await api.world.notify()
    return ids


def answered(api: FakeBotAPI, ids: list[int]) -> Counter[int]:
    wanted = set(ids)
    return Counter(
        p["chat_id"]
        for p in api.calls("sendMessage")
        if p["chat_id"] in wanted and GREETING in p["text"]
    )


async def test_sigterm_in_a_burst_answers_every_update_it_fetched(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    bot = await run_bot()
    ids = await burst(fake_api, 600)
    assert await fake_api.world.wait_for(lambda: len(answered(fake_api, ids)) >= 100, timeout=60)
    assert await bot.stop() == 0
    pending = {u["message"]["chat"]["id"] for u in fake_api.pending_updates}
    confirmed = set(ids) - pending
    replies = answered(fake_api, ids)
    assert confirmed and confirmed <= set(replies), "a confirmed update was never answered"
    assert "database is not connected" not in bot.stderr_text()

    await run_bot()
    assert await fake_api.world.wait_for(
        lambda: len(answered(fake_api, ids)) == len(ids), timeout=120
    )
    assert max(answered(fake_api, ids).values()) == 1


async def test_sigkill_in_a_burst_leaves_every_user_answered_after_restart(
    fake_api: FakeBotAPI, run_bot: RunBot
) -> None:
    bot = await run_bot()
    ids = await burst(fake_api, 600)
    assert await fake_api.world.wait_for(lambda: len(answered(fake_api, ids)) >= 100, timeout=60)
    bot.kill()
    await bot.process.wait()
    assert len(answered(fake_api, ids)) < len(ids)

    await run_bot()
    assert await fake_api.world.wait_for(
        lambda: len(answered(fake_api, ids)) == len(ids), timeout=120
    )
