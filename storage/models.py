"""Plain records that repositories return; no behaviour beyond derived values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any


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


class SeminarFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def has_meeting_link(self) -> bool:
        return self is not SeminarFormat.IN_PERSON

    @property
    def has_door(self) -> bool:
        return self is not SeminarFormat.ONLINE


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
    format: SeminarFormat = SeminarFormat.IN_PERSON
    meeting_link: str | None = None  # online and hybrid: only seat holders ever see it
    updated_at: datetime | None = None  # the last change; None in values built by hand
    programme_id: int | None = None

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


class AttendanceKind(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class MarkMethod(StrEnum):
    TICKET = "ticket"  # an organiser or volunteer scanned the participant's ticket
    DOOR = "door"  # the participant scanned the door QR
    LIST = "list"  # ticked in the manual list
    JOIN = "join"  # pressed Join for an online seminar


@dataclass(frozen=True, slots=True)
class Attendance:
    """One registration's mark: came in person or joined online."""

    registration_id: int
    kind: AttendanceKind
    method: MarkMethod
    marked_by: int | None  # None: the participant marked themselves
    marked_at: datetime


@dataclass(frozen=True, slots=True)
class Ticket:
    registration_id: int
    token: str
    code: str


class BodyKind(StrEnum):
    """How a broadcast with its own first line is sent: as a text, or as a copy whose
    caption is replaced."""

    TEXT = "text"
    CAPTION = "caption"


@dataclass(frozen=True, slots=True)
class BroadcastBody:
    kind: BodyKind
    html: str


class Audience(StrEnum):
    ALL = "all"  # every active user
    CONFIRMED = "confirmed"  # a seminar's confirmed registrants
    WAITLIST = "waitlist"  # a seminar's waitlist


class BroadcastStatus(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    DONE = "done"


class DeliveryStatus(StrEnum):
    """Where one outbox delivery stands; only `pending` is ever claimed."""

    PENDING = "pending"
    SENDING = "sending"  # claimed: the request is leaving or has left
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot, or the chat is gone
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # the bot stopped while it was sending: delivered or not, unknown
    STOPPED = "stopped"  # an admin stopped the broadcast before it was sent
    SKIPPED = "skipped"  # no longer applies (seminar cancelled, user unreachable)


class Priority(IntEnum):
    """Lower goes first: one person's notice is not kept waiting behind a broadcast."""

    PERSONAL = 0  # reminders, change and cancellation notices, waitlist promotions
    BULK = 1  # broadcasts


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    kind: str
    ref: str
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    retry_until: datetime | None


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    created_by: int
    audience: Audience
    seminar_id: int | None
    source_chat_id: int
    source_message_id: int
    status: BroadcastStatus
    progress_chat_id: int | None
    progress_message_id: int | None
    created_at: datetime
    finished_at: datetime | None
    body: BroadcastBody | None = None  # None: the source message is copied as it is


@dataclass(frozen=True, slots=True)
class BroadcastTally:
    """How many recipients of one broadcast are in each status."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0
    stopped: int = 0

    @property
    def total(self) -> int:
        return self.unsettled + self.processed + self.stopped

    @property
    def unsettled(self) -> int:
        """Recipients still queued or being sent to."""
        return self.pending + self.sending

    @property
    def processed(self) -> int:
        """Recipients whose delivery is over (stopped ones excluded)."""
        return self.sent + self.blocked + self.failed + self.uncertain


class StaffPostKind(StrEnum):
    """A staff message that shows a question's words, besides the question post itself."""

    DRAFT = "draft"  # the FAQ draft an admin reviews
    ANSWERED = "answered"  # "answer sent", with Add to FAQ and Attach
    OVERVIEW = "overview"  # the /questions overview, which lists several questions
    PUBLISHED = "published"  # a draft closed as published: only its number and who published


class FaqSource(StrEnum):
    FILE = "file"  # imported from FAQ_PATH; removed when it leaves the file
    ORGANISER = "organiser"  # added in the bot from an answered question; kept on import


@dataclass(frozen=True, slots=True)
class FaqRecord:
    id: str
    lang: str
    category: str
    question: str
    aliases: tuple[str, ...]
    answer: str
    source: FaqSource
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    user_id: int | None
    text: str
    created_at: datetime
    answer: str | None
    answered_by: int | None
    answered_at: datetime | None
    faq_entry_id: str | None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


@dataclass(frozen=True, slots=True)
class FaqMiss:
    """A free-text question the FAQ had no confident answer for, grouped by wording."""

    id: int  # the newest row of its wording
    lang: str
    text: str
    wording: str
    count: int  # how many times it was asked in the kept period
    last_asked: datetime
