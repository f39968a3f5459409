"""Plain records that repositories return; no behaviour beyond derived values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class User:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    language: str | None
    is_active: bool

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.id)


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    full_name: str
    organisation: str
    phone: str
    consent_at: datetime


class SeminarStatus(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Seminar:
    id: int
    title: str
    description: str
    starts_at: datetime
    duration_minutes: int
    place: str
    capacity: int
    status: SeminarStatus
    created_by: int | None
    created_at: datetime

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status is SeminarStatus.CANCELLED


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLIST = "waitlist"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Registration:
    id: int
    seminar_id: int
    user_id: int | None
    status: RegistrationStatus
    attendance: str | None
    created_at: datetime
    status_changed_at: datetime
