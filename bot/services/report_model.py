"""The report's numbers, counted once from the rows and shared by both files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.services.report_period import Period
from storage.models import RegistrationStatus, SeminarFormat, SeminarStatus
from storage.repositories.report import QuestionTotals, ReportRegistration, ReportSeminar


@dataclass(frozen=True, slots=True)
class ReportData:
    period: Period
    now: datetime
    seminars: tuple[ReportSeminar, ...]
    registrations: Mapping[int, tuple[ReportRegistration, ...]]  # by seminar id
    returning: frozenset[int]  # users who had attended a seminar before the period
    questions: QuestionTotals

    def held(self, seminar: ReportSeminar) -> bool:
        return seminar.status is not SeminarStatus.CANCELLED and seminar.starts_at <= self.now


@dataclass(frozen=True, slots=True)
class SeminarLine:
    """One seminar's row of the Events sheet."""

    seminar: ReportSeminar
    held: bool
    registered: int
    attended: int
    rating: float | None
    responses: int


@dataclass(frozen=True, slots=True)
class Summary:
    held: int
    cancelled: int
    upcoming: int
    in_person: int  # held seminars by format
    online: int
    hybrid: int
    registrations: int  # seats taken at seminars held
    attended: int
    participants: int  # different people who came (forgotten ones each count once per visit)
    forgotten_visits: int
    organisations: int
    new: int
    returning: int
    questions_asked: int
    questions_answered: int
    responses: int
    average_rating: float | None
    lines: tuple[SeminarLine, ...]

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.registrations if self.registrations else None

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.attended if self.attended else None


def _mean(ratings: list[int]) -> float | None:
    return sum(ratings) / len(ratings) if ratings else None


def _line(data: ReportData, seminar: ReportSeminar) -> SeminarLine:
    rows = data.registrations[seminar.id]
    came = [row for row in rows if row.came is not None]
    ratings = [row.rating for row in came if row.rating is not None]
    return SeminarLine(
        seminar=seminar,
        held=data.held(seminar),
        registered=sum(row.status is RegistrationStatus.CONFIRMED for row in rows),
        attended=len(came),
        rating=_mean(ratings),
        responses=len(ratings),
    )


def summarise(data: ReportData) -> Summary:
    lines = tuple(_line(data, seminar) for seminar in data.seminars)
    held = [line for line in lines if line.held]
    formats = [line.seminar.format for line in held]
    visits = [
        row for line in held for row in data.registrations[line.seminar.id] if row.came is not None
    ]
    people = {row.user_id for row in visits if row.user_id is not None}
    organisations = {
        " ".join(row.organisation.casefold().split())
        for row in visits
        if row.user_id is not None and row.organisation
    }
    ratings = [row.rating for row in visits if row.rating is not None]
    forgotten = sum(row.user_id is None for row in visits)
    return Summary(
        held=len(held),
        cancelled=sum(line.seminar.status is SeminarStatus.CANCELLED for line in lines),
        upcoming=sum(
            not line.held and line.seminar.status is not SeminarStatus.CANCELLED for line in lines
        ),
        in_person=formats.count(SeminarFormat.IN_PERSON),
        online=formats.count(SeminarFormat.ONLINE),
        hybrid=formats.count(SeminarFormat.HYBRID),
        registrations=sum(line.registered for line in held),
        attended=len(visits),
        participants=len(people) + forgotten,
        forgotten_visits=forgotten,
        organisations=len(organisations),
        new=len(people - data.returning),
        returning=len(people & data.returning),
        questions_asked=data.questions.asked,
        questions_answered=data.questions.answered,
        responses=len(ratings),
        average_rating=_mean(ratings),
        lines=lines,
    )
