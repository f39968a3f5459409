"""One seeded story for the programme report's tests (service and e2e).

Within the period: a seminar held in person, one moved (planned a week earlier) and held
online, one cancelled. Before the period: a seminar Anna attended, so she returns; she also
comes to both seminars of the period. One attendee came to both as well and later used
/forget_me: two visits, no person. Every number the report should show is derived here from
the story itself, separately from the report's own counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from storage.repositories.feedback import FeedbackField
from storage.timecodec import to_db

CONFIRMED, WAITLIST, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLIST,
    RegistrationStatus.CANCELLED,
)
ANNA, BORIS, VERA, GLEB, GONE = 201, 202, 203, 204, 205
PEOPLE = {
    ANNA: ("Андреева Анна", "НКО «Ромашка»"),
    BORIS: ("Борисов Борис", ' Ано  "ромашка" '),  # the same organisation, typed differently
    VERA: ("Веселова Вера", "Фонд «Свет»"),
    GLEB: ("Глебов Глеб", "АНО «Берег»"),
    GONE: ("Удалённый Участник", "Фонд «Тень»"),
}
BEST_QUOTE = "Разобрали бизнес-модель социального предприятия на примерах из нашего региона"
REPORTING_TOPIC = "Отчётность перед фондом"
FAQ_ANSWERS_IN_PERIOD = 2


@dataclass(frozen=True)
class ReportStory:
    held: Seminar
    moved: Seminar
    moved_planned: datetime
    cancelled: Seminar
    first_day: datetime  # the period, as moments inside its first and last days
    last_day: datetime


# What the Summary sheet must say, counted by hand from the story below.
EXPECTED = {
    "held": 2,
    "cancelled": 1,
    "in_person": 1,
    "online": 1,
    "registrations": 8,  # held: 5 seats; moved: 3 seats (Boris waits, not counted)
    "visits": 6,  # held: Anna, Boris, Vera, the forgotten one; moved: Anna, the forgotten one
    "forgotten_visits": 2,
    "participants": 4,  # Anna, Boris, Vera and the forgotten person, counted without a name
    "forgotten_people": 1,
    "organisations": ("НКО «Ромашка»", "Фонд «Свет»"),  # «Ромашка» spelt two ways; Gleb never came
    "new": 3,  # Boris, Vera and the forgotten person
    "returning": 1,  # Anna came before the period
    "repeat": 2,  # Anna and the forgotten person came to both seminars of the period
    "questions_asked": 3,
    "questions_answered": 2,
    "faq_answers": FAQ_ANSWERS_IN_PERIOD,
    "responses": 3,  # Anna twice, Boris once
    "reviewers": 2,
    "average_rating": 4.0,
}


async def _person(repos: Repositories, user_id: int, at: datetime) -> None:
    name, organisation = PEOPLE[user_id]
    await repos.users.record_seen(user_id, name.split()[1], None, None, "ru", at)
    await repos.profiles.save(user_id, name, organisation, f"+7999000{user_id}", at, at)


async def _seminar(repos: Repositories, title: str, start: datetime, now: datetime) -> Seminar:
    return await repos.seminars.create(title, "", start, "Тюмень, Республики, 1", 10, None, now)


async def _came(repos: Repositories, seminar: Seminar, user_id: int, kind: AttendanceKind) -> int:
    registration = await repos.registrations.insert(
        seminar.id, user_id, CONFIRMED, seminar.starts_at - timedelta(days=3)
    )
    await repos.attendance.mark(registration.id, kind, MarkMethod.LIST, None, seminar.starts_at)
    return registration.id


async def seed_report_story(db: Database, now: datetime) -> ReportStory:
    """Seminars from 20 days before `now` to 2 days before it; the period is the 25 days up to
    `now`, so a test can ask for it by typed dates."""
    repos = Repositories(db)
    for user_id in PEOPLE:
        await _person(repos, user_id, now - timedelta(days=90))
    before = await _seminar(repos, "Основы грантрайтинга", now - timedelta(days=60), now)
    await _came(repos, before, ANNA, AttendanceKind.IN_PERSON)

    held = await _seminar(
        repos, "Бизнес-модель социального предприятия", now - timedelta(days=20), now
    )
    in_person = AttendanceKind.IN_PERSON
    anna = await _came(repos, held, ANNA, in_person)
    boris = await _came(repos, held, BORIS, in_person)
    await _came(repos, held, VERA, in_person)
    await _came(repos, held, GONE, in_person)
    await repos.registrations.insert(held.id, GLEB, CONFIRMED, now - timedelta(days=25))
    await repos.feedback.set_rating(anna, 5, now)
    await repos.feedback.set_text(anna, FeedbackField.USEFUL, BEST_QUOTE, now)
    await repos.feedback.set_text(anna, FeedbackField.NEXT_TOPIC, REPORTING_TOPIC, now)
    await repos.feedback.set_rating(boris, 4, now)
    await repos.feedback.set_text(boris, FeedbackField.USEFUL, "Хорошо", now)
    await repos.feedback.set_text(boris, FeedbackField.NEXT_TOPIC, " отчётность  перед фондом", now)

    moved_planned = now - timedelta(days=15)
    moved = await _seminar(repos, "Маркетинг для НКО", moved_planned, now - timedelta(days=30))
    await repos.seminars.update(
        moved.id, now - timedelta(days=20), starts_at=now - timedelta(days=8)
    )
    await db.execute("UPDATE seminars SET format = 'online' WHERE id = ?", (moved.id,))
    moved = await repos.seminars.get(moved.id) or moved
    anna_online = await _came(repos, moved, ANNA, AttendanceKind.ONLINE)
    await _came(repos, moved, GONE, AttendanceKind.ONLINE)
    await repos.registrations.insert(moved.id, VERA, CONFIRMED, now - timedelta(days=12))
    await repos.registrations.insert(moved.id, BORIS, WAITLIST, now - timedelta(days=11))
    await repos.feedback.set_rating(anna_online, 3, now)
    await repos.feedback.set_text(anna_online, FeedbackField.NEXT_TOPIC, "Социальная реклама", now)

    cancelled = await _seminar(
        repos, "Отчётность НКО", now - timedelta(days=2), now - timedelta(days=30)
    )
    await repos.registrations.insert(cancelled.id, BORIS, CANCELLED, now - timedelta(days=10))
    await repos.seminars.set_status(cancelled.id, SeminarStatus.CANCELLED, now - timedelta(days=5))
    cancelled = await repos.seminars.get(cancelled.id) or cancelled

    # The forgotten person used /forget_me: registrations stay, detached from them.
    await repos.registrations.anonymise_user(GONE)
    await repos.profiles.delete(GONE)
    await repos.users.forget_names(GONE, now)

    for days, answered in ((40, True), (10, True), (6, True), (3, False)):
        asked = now - timedelta(days=days)
        await db.execute(
            "INSERT INTO questions (user_id, text, created_at, answer, answered_at)"
            " VALUES (?, 'Вопрос', ?, ?, ?)",
            (VERA, to_db(asked), "Ответ" if answered else None, to_db(asked) if answered else None),
        )
    # Confident FAQ answers: two in the period, one before it.
    for days in (40, 9, 1):
        await repos.faq_answers.record(now - timedelta(days=days))
    return ReportStory(
        held=held,
        moved=moved,
        moved_planned=moved_planned,
        cancelled=cancelled,
        first_day=now - timedelta(days=25),
        last_day=now,
    )
