"""The sandbox's sample data, written once into a database that has no seminars yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.sandbox.people import CROWD, ORGANISER
from bot.services.registration import RegistrationService
from storage.database import Database
from storage.models import SeminarFormat
from storage.repositories import Repositories


@dataclass(frozen=True, slots=True)
class SampleSeminar:
    title: str
    description: str
    place: str
    capacity: int
    days_ahead: int
    local_start: time
    crowd: int = 0  # how many sample participants already hold a seat
    format: SeminarFormat = SeminarFormat.IN_PERSON
    meeting_link: str | None = None


SAMPLES = (
    SampleSeminar(
        "Отчётность по президентским грантам",
        "Онлайн-встреча: что и когда сдавать в Фонд, типичные ошибки, ответы на вопросы.",
        "Онлайн, ссылка придёт перед началом",
        100,
        1,
        time(18, 0),
        format=SeminarFormat.ONLINE,
        meeting_link="https://meet.example.org/grants-report",
    ),
    SampleSeminar(
        "Социальное предпринимательство: с чего начать",
        "Практикум для НКО: бизнес-модель, статус социального предприятия, меры поддержки.",
        "Тюмень, ул. Республики, 142, зал 3",
        25,
        3,
        time(11, 0),
    ),
    SampleSeminar(
        "Финансовая модель НКО: грант или бизнес",
        "Разбор реальных бюджетов; мест мало, работаем в малых группах.",
        "Тобольск, ул. Ленина, 8, коворкинг «Точка»",
        5,
        6,
        time(15, 0),
        crowd=len(CROWD),
    ),
)


def _start(now: datetime, tz: ZoneInfo, sample: SampleSeminar) -> datetime:
    day = (now.astimezone(tz) + timedelta(days=sample.days_ahead)).date()
    return datetime.combine(day, sample.local_start, tzinfo=tz)


async def seed_once(db: Database, tz: ZoneInfo, clock: Clock) -> bool:
    """Write the samples unless the database already has seminars; True if it wrote them."""
    repos = Repositories(db)
    if await repos.seminars.all():
        return False
    now = clock()
    for person in CROWD:
        await repos.users.record_seen(
            person.user_id,
            person.first_name,
            person.last_name,
            person.username,
            person.language_code,
            now,
        )
        full_name = f"{person.last_name} {person.first_name}"
        await repos.profiles.save(person.user_id, full_name, "АНО «Пример»", person.phone, now, now)
    registration = RegistrationService(db, clock)
    for sample in SAMPLES:
        seminar = await repos.seminars.create(
            title=sample.title,
            description=sample.description,
            starts_at=_start(now, tz, sample),
            place=sample.place,
            capacity=sample.capacity,
            created_by=ORGANISER.user_id,
            now=now,
            format=sample.format,
            meeting_link=sample.meeting_link,
        )
        for person in CROWD[: sample.crowd]:
            await registration.register(person.user_id, seminar.id)
    return True
