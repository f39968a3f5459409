"""The numbers behind /stats, gathered from the aggregate queries in one place."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.repositories import Repositories
from storage.repositories.stats import (
    BroadcastSummary,
    PastAttendance,
    QuestionCounts,
    RegistrationCounts,
    SeminarCounts,
    SeminarFill,
    UserCounts,
)

RECENT_BROADCASTS = 5
PAST_SEMINARS = 10


@dataclass(frozen=True, slots=True)
class Stats:
    users: UserCounts
    seminars: SeminarCounts
    registrations: RegistrationCounts
    upcoming_fill: list[SeminarFill]
    past_attendance: list[PastAttendance]
    questions: QuestionCounts
    median_answer_time: timedelta | None  # None until a question has been answered
    broadcasts: list[BroadcastSummary]


async def collect_stats(repos: Repositories, now: datetime) -> Stats:
    delays = await repos.stats.answer_delays()
    median = timedelta(seconds=statistics.median(delays)) if delays else None
    return Stats(
        users=await repos.stats.users(),
        seminars=await repos.stats.seminars(now),
        registrations=await repos.stats.registrations(),
        upcoming_fill=await repos.stats.upcoming_fill(now),
        past_attendance=await repos.stats.past_attendance(now, PAST_SEMINARS),
        questions=await repos.stats.questions(),
        median_answer_time=median,
        broadcasts=await repos.stats.recent_broadcasts(RECENT_BROADCASTS),
    )


def attendance_percent(past: PastAttendance) -> int | None:
    """Share of seat holders who came (in person or online); None without seat holders."""
    return round(past.attended * 100 / past.seats) if past.seats else None


def fill_percent(fill: SeminarFill) -> int:
    """Share of seats taken, rounded to whole percent."""
    return round(fill.confirmed * 100 / fill.capacity) if fill.capacity else 0
