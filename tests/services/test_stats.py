"""The /stats numbers over the seeded story."""

from __future__ import annotations

from datetime import timedelta

from bot.services.stats import collect_stats, fill_percent
from storage.database import Database
from storage.repositories import Repositories
from tests.export_seed import NOW, Story, seed_story


async def test_stats_count_everything_seeded(db: Database) -> None:
    story: Story = await seed_story(db)
    stats = await collect_stats(Repositories(db), NOW)

    assert (stats.users.total, stats.users.active, stats.users.blocked) == (6, 5, 1)
    assert (stats.seminars.upcoming, stats.seminars.past, stats.seminars.cancelled) == (1, 1, 1)
    counts = stats.registrations
    assert (counts.confirmed, counts.waitlist, counts.cancelled) == (4, 2, 1)

    [fill] = stats.upcoming_fill
    assert fill.seminar_id == story.seminar.id
    assert (fill.capacity, fill.confirmed, fill.waitlist) == (3, 3, 2)
    assert fill_percent(fill) == 100

    assert (stats.questions.open, stats.questions.answered) == (1, 3)
    assert stats.median_answer_time == timedelta(hours=2)

    [broadcast] = stats.broadcasts
    assert broadcast.seminar_title == story.seminar.title
    assert (broadcast.recipients, broadcast.delivered, broadcast.blocked) == (3, 2, 1)
    assert (broadcast.failed, broadcast.pending, broadcast.stopped) == (0, 0, 0)


async def test_stats_of_an_empty_database(db: Database) -> None:
    stats = await collect_stats(Repositories(db), NOW)
    assert stats.users.total == 0
    assert stats.upcoming_fill == []
    assert stats.median_answer_time is None
    assert stats.broadcasts == []
