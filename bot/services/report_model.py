"""The report's numbers, counted once from the rows and shared by both files.

Three units never mix: registrations (seats taken), visits (a registration marked as
attended) and people (different participants). People who used /forget_me have no name or
id left, but an opaque number keeps them countable as people; only registrations forgotten
before that number existed count as visits and not as people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.services.organisations import merge_spellings
from bot.services.report_period import Period
from storage.models import RegistrationStatus, SeminarFormat, SeminarStatus
from storage.repositories.report import QuestionTotals, ReportRegistration, ReportSeminar

NEEDS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ReportHeading:
    """Who reports on what, for the DOCX heading and its metadata (REPORT_* settings)."""

    organisation: str = ""
    project: str = ""
    grant_agreement: str = ""
    author: str = ""  # the files' author: the organisation, else the certificates' issuer


@dataclass(frozen=True, slots=True)
class ReportData:
    period: Period
    now: datetime
    seminars: tuple[ReportSeminar, ...]
    registrations: Mapping[int, tuple[ReportRegistration, ...]]  # by seminar id
    attended_before: frozenset[int]  # people (`person` keys) who came before the period
    questions: QuestionTotals
    faq_answers: int  # confident answers the bot gave from the FAQ in the period
    heading: ReportHeading = ReportHeading()

    def document_title(self, title: str) -> str:
        """The files' title property: the report's title, the period and the project."""
        period = f"{self.period.first:%d.%m.%Y} – {self.period.last:%d.%m.%Y}"
        project = " ".join(self.heading.project.split())
        return f"{title}, {period}" + (f": {project}" if project else "")

    def held(self, seminar: ReportSeminar) -> bool:
        return seminar.status is not SeminarStatus.CANCELLED and seminar.starts_at <= self.now


@dataclass(frozen=True, slots=True)
class SeminarLine:
    """One seminar's row of the Events sheet."""

    seminar: ReportSeminar
    held: bool
    registered: int
    attended: int  # visits
    rating: float | None
    responses: int


@dataclass(frozen=True, slots=True)
class Need:
    """A topic participants asked for next, with how many answers named it."""

    topic: str
    answers: int


@dataclass(frozen=True, slots=True)
class Summary:
    held: int
    cancelled: int
    upcoming: int
    in_person: int  # held seminars by format
    online: int
    hybrid: int
    registrations: int  # seats taken at seminars held
    visits: int  # registrations marked as attended, forgotten people's included
    forgotten_visits: int  # of `visits`, those of people removed at their request
    participants: int  # different people with at least one visit, forgotten ones included
    forgotten_people: int  # of `participants`, those removed at their request
    organisations: tuple[str, ...]  # different organisations of those people, one spelling each
    new: int  # participants whose first visit ever falls in the period
    returning: int  # participants who had a visit before the period
    repeat: int  # participants with visits to two or more seminars in the period
    questions_asked: int
    questions_answered: int
    faq_answers: int
    responses: int  # visits followed by a rating
    reviewers: int  # different people who gave a rating
    average_rating: float | None
    needs: tuple[Need, ...]
    lines: tuple[SeminarLine, ...]  # by date, the cancelled seminars last

    @property
    def attendance_rate(self) -> float | None:
        """Visits ÷ registrations at seminars held."""
        return self.visits / self.registrations if self.registrations else None

    @property
    def response_rate(self) -> float | None:
        """Visits with a rating ÷ visits."""
        return self.responses / self.visits if self.visits else None


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


def needs(rows: list[ReportRegistration]) -> tuple[Need, ...]:
    """Answers to «what topic next?», the same wording (case and spaces aside) merged, the
    most asked first."""
    counted: dict[str, Counter[str]] = {}
    for row in rows:
        topic = " ".join((row.next_topic or "").split())
        if topic:
            counted.setdefault(topic.casefold().rstrip(".!"), Counter())[topic] += 1
    merged = [
        Need(spellings.most_common(1)[0][0], spellings.total()) for spellings in counted.values()
    ]
    merged.sort(key=lambda need: (-need.answers, need.topic.casefold()))
    return tuple(merged[:NEEDS_SHOWN])


def summarise(data: ReportData) -> Summary:
    # By date, the cancelled ones last: the chart takes the seminars held from the top.
    by_date = (_line(data, seminar) for seminar in data.seminars)
    lines = tuple(sorted(by_date, key=lambda line: line.seminar.is_cancelled))
    held = [line for line in lines if line.held]
    formats = [line.seminar.format for line in held]
    visits = [
        row for line in held for row in data.registrations[line.seminar.id] if row.came is not None
    ]
    known = [row for row in visits if row.user_id is not None]
    seminars_of: Counter[int] = Counter(row.person for row in visits if row.person is not None)
    people = set(seminars_of)
    rated = [row for row in visits if row.rating is not None]
    ratings = [row.rating for row in rated if row.rating is not None]
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
        visits=len(visits),
        forgotten_visits=len(visits) - len(known),
        participants=len(people),
        forgotten_people=sum(person < 0 for person in people),
        organisations=tuple(merge_spellings(row.organisation or "" for row in known)),
        new=len(people - data.attended_before),
        returning=len(people & data.attended_before),
        repeat=sum(count >= 2 for count in seminars_of.values()),
        questions_asked=data.questions.asked,
        questions_answered=data.questions.answered,
        faq_answers=data.faq_answers,
        responses=len(rated),
        reviewers=len({row.person for row in rated if row.person is not None}),
        average_rating=_mean(ratings),
        needs=needs([row for line in lines for row in data.registrations[line.seminar.id]]),
        lines=lines,
    )
