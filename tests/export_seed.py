"""One seeded story shared by the export and stats tests (service, handler and e2e).

A seminar of three seats: two named participants and one who used /forget_me hold the
seats, two wait, one cancelled; one participant's name is a spreadsheet formula.
Plus a past seminar, a cancelled one, questions and a broadcast for /stats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.models import RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from storage.timecodec import to_db

# The handler and service tests' clock; the e2e test seeds relative to the real time.
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
# So with NOW the seminar starts on 25 September at 15:00 in Asia/Yekaterinburg (UTC+5).
SEMINAR_LEAD = timedelta(days=24)
REGISTERED_BEFORE = timedelta(days=12)
FORMULA_NAME = '=HYPERLINK("http://x","y")'


@dataclass(frozen=True)
class Person:
    user_id: int
    full_name: str
    organisation: str
    phone: str
    username: str | None


ANNA = Person(101, "Иванова Анна Петровна", "НКО «Ромашка»", "+79991234567", "anna_ngo")
FORMULA = Person(102, FORMULA_NAME, "@evil", "-1", "formula_fan")
GONE = Person(103, "Сидоров Пётр", "Фонд", "+79990000003", "pyotr")
WAIT_1 = Person(104, "Кузнецова Мария", "АНО «Свет»", "89990000004", None)
WAIT_2 = Person(105, "John Smith", "Green Org", "+447700900005", "jsmith")
LEFT = Person(106, "Орлов Илья", "НКО «Берег»", "+79990000006", "ilya")
PEOPLE = (ANNA, FORMULA, GONE, WAIT_1, WAIT_2, LEFT)


@dataclass(frozen=True)
class Story:
    seminar: Seminar
    past: Seminar
    cancelled: Seminar


async def _register(
    repos: Repositories, seminar_id: int, person: Person, status: RegistrationStatus, at: datetime
) -> int:
    registration = await repos.registrations.insert(seminar_id, person.user_id, status, at)
    return registration.id


async def seed_story(db: Database, now: datetime = NOW) -> Story:
    repos = Repositories(db)
    for offset, person in enumerate(PEOPLE):
        seen = now - timedelta(days=10 - offset)
        await repos.users.record_seen(person.user_id, "Tg", None, person.username, "ru", seen)
        await repos.profiles.save(
            person.user_id, person.full_name, person.organisation, person.phone, seen, seen
        )
    await repos.users.mark_inactive(LEFT.user_id)  # LEFT blocked the bot later on

    seminar = await repos.seminars.create(
        "Социальное предпринимательство: старт",
        "Вводный семинар",
        now + SEMINAR_LEAD,
        "Тюмень, ул. Республики, 1",
        3,
        created_by=None,
        now=now - timedelta(days=20),
    )
    base = now - REGISTERED_BEFORE
    confirmed, waitlist, cancelled = (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLIST,
        RegistrationStatus.CANCELLED,
    )
    anna = await _register(repos, seminar.id, ANNA, confirmed, base)
    await _register(repos, seminar.id, FORMULA, confirmed, base + timedelta(minutes=5))
    await _register(repos, seminar.id, GONE, confirmed, base + timedelta(minutes=10))
    left = await _register(repos, seminar.id, LEFT, confirmed, base + timedelta(minutes=12))
    await _register(repos, seminar.id, WAIT_1, waitlist, base + timedelta(minutes=15))
    await _register(repos, seminar.id, WAIT_2, waitlist, base + timedelta(minutes=20))
    await repos.registrations.set_attendance(anna, "yes")
    await repos.registrations.set_attendance(left, "no")
    await repos.registrations.set_status(left, cancelled, base + timedelta(days=1))
    # GONE used /forget_me: the registration stays, detached from the person.
    await repos.registrations.anonymise_user(GONE.user_id)
    await repos.profiles.delete(GONE.user_id)
    await repos.users.forget_names(GONE.user_id, now)

    past = await repos.seminars.create(
        "Гранты для НКО", "", now - timedelta(days=5), "Онлайн", 10, None, now - timedelta(days=30)
    )
    await _register(repos, past.id, ANNA, confirmed, now - timedelta(days=7))
    cancelled_seminar = await repos.seminars.create(
        "Отменённый [черновик]: план?", "", now + timedelta(days=3), "Онлайн", 5, None, now
    )
    await repos.seminars.set_status(cancelled_seminar.id, SeminarStatus.CANCELLED, now)

    await _seed_questions_and_broadcast(db, seminar.id, now)
    return Story(seminar=seminar, past=past, cancelled=cancelled_seminar)


async def _seed_questions_and_broadcast(db: Database, seminar_id: int, now: datetime) -> None:
    """No repositories for these on this branch yet, so plain rows."""
    asked = now - timedelta(days=2)
    questions = [
        (ANNA.user_id, "Q1", asked, asked + timedelta(minutes=30)),
        (WAIT_1.user_id, "Q2", asked, asked + timedelta(hours=2)),
        (WAIT_2.user_id, "Q3", asked, asked + timedelta(hours=5)),
        (ANNA.user_id, "Q4", asked, None),
    ]
    for user_id, text, created, answered in questions:
        await db.execute(
            "INSERT INTO questions (user_id, text, created_at, answer, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                user_id,
                text,
                to_db(created),
                "A" if answered else None,
                to_db(answered) if answered else None,
            ),
        )
    broadcast_id = await db.execute(
        "INSERT INTO broadcasts (created_by, audience, seminar_id, source_chat_id,"
        " source_message_id, status, created_at, finished_at)"
        " VALUES (1, 'confirmed', ?, 1, 1, 'done', ?, ?)",
        (seminar_id, to_db(now - timedelta(days=1)), to_db(now - timedelta(days=1))),
    )
    for user_id, status in (
        (ANNA.user_id, "sent"),
        (FORMULA.user_id, "sent"),
        (LEFT.user_id, "blocked"),
    ):
        await db.execute(
            "INSERT INTO outbox (kind, ref, chat_id, priority, status, attempts, due_at,"
            " created_at, updated_at) VALUES ('broadcast', ?, ?, 1, ?, 1, ?, ?, ?)",
            (str(broadcast_id), user_id, status, *[to_db(now - timedelta(days=1))] * 3),
        )
