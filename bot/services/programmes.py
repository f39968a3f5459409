"""Programmes for admins: create, rename, set the rule N, attach seminars, see progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from storage.database import Database
from storage.models import Seminar
from storage.repositories import Repositories
from storage.repositories.programmes import Programme, ProgrammeProgress

TITLE_MAX = 200
REQUIRED_MAX = 100
# Seminars offered for attaching: from this long ago on.
ATTACHABLE_SINCE = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class ProgrammeCard:
    programme: Programme
    seminars: list[Seminar]
    progress: list[ProgrammeProgress]

    @property
    def completed(self) -> int:
        return sum(1 for p in self.progress if p.attended >= self.programme.required)


def clean_title(text: str) -> str | None:
    title = " ".join(text.split())
    return title if 0 < len(title) <= TITLE_MAX else None


def parse_required(text: str) -> int | None:
    value = text.strip()
    if not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= REQUIRED_MAX else None


class ProgrammeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def all(self) -> list[Programme]:
        return await Repositories(self._db).programmes.all()

    async def create(self, title: str, required: int) -> Programme:
        return await Repositories(self._db).programmes.create(title, required, self._clock())

    async def rename(self, programme_id: int, title: str) -> bool:
        repos = Repositories(self._db)
        if await repos.programmes.get(programme_id) is None:
            return False
        await repos.programmes.rename(programme_id, title)
        return True

    async def set_required(self, programme_id: int, required: int) -> bool:
        repos = Repositories(self._db)
        if await repos.programmes.get(programme_id) is None:
            return False
        await repos.programmes.set_required(programme_id, required)
        return True

    async def card(self, programme_id: int) -> ProgrammeCard | None:
        repos = Repositories(self._db)
        programme = await repos.programmes.get(programme_id)
        if programme is None:
            return None
        return ProgrammeCard(
            programme=programme,
            seminars=await repos.seminars.in_programme(programme_id),
            progress=await repos.programmes.progress(programme_id),
        )

    async def attachable(self, programme_id: int, limit: int) -> list[Seminar]:
        """Published seminars, not cancelled, not yet in this programme."""
        seminars = await Repositories(self._db).seminars.recent_and_upcoming(
            self._clock() - ATTACHABLE_SINCE, limit=limit * 2
        )
        return [s for s in seminars if not s.is_cancelled and s.programme_id != programme_id][
            :limit
        ]

    async def attach(self, programme_id: int, seminar_id: int) -> bool:
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None or await repos.programmes.get(programme_id) is None:
            return False
        await repos.programmes.set_seminar(seminar_id, programme_id)
        return True

    async def place(
        self, seminar_id: int, programme_id: int | None
    ) -> tuple[Seminar, Programme | None] | None:
        """Put a seminar in a programme (None: in none); None when either is unknown."""
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        programme = await repos.programmes.get(programme_id) if programme_id else None
        if seminar is None or (programme_id and programme is None):
            return None
        await repos.programmes.set_seminar(seminar_id, programme_id)
        return seminar, programme

    async def detach(self, programme_id: int, seminar_id: int) -> bool:
        repos = Repositories(self._db)
        seminar = await repos.seminars.get(seminar_id)
        if seminar is None or seminar.programme_id != programme_id:
            return False
        await repos.programmes.set_seminar(seminar_id, None)
        return True
