"""The FAQ learns from its organisers.

A free-text question that got no confident answer is kept (a *miss*), linked to its
asker so that /forget_me erases it, and for 90 days at most. /faq_misses shows the
wordings asked most often, each with its nearest entries: an organiser attaches the
wording to one of them as an alias (it answers at once, and survives restarts and
re-imports of FAQ_PATH) or dismisses it. An answered question can be attached to an
existing entry the same way instead of becoming a new entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.i18n import DEFAULT_LANGUAGE, pick_language
from bot.services.faq import FaqService
from bot.services.faq_file import FaqEntry
from bot.services.faq_search import normalize
from storage.database import Database
from storage.models import FaqMiss
from storage.repositories import Repositories

log = logging.getLogger(__name__)

__all__ = [
    "MISS_KEEP_DAYS",
    "AttachOutcome",
    "FaqLearning",
    "MissList",
    "MissWithCandidates",
]

MISS_KEEP_DAYS = 90
# A miss is the user's text as typed; a wording longer than this is cut when stored.
MISS_MAX_LENGTH = 1000
MISSES_SHOWN = 10
CANDIDATES = 3


class AttachOutcome(StrEnum):
    ATTACHED = "attached"
    ALREADY = "already"  # the entry already had this wording
    GONE = "gone"  # the miss, question or entry no longer exists


@dataclass(frozen=True, slots=True)
class MissWithCandidates:
    miss: FaqMiss
    candidates: list[FaqEntry]


@dataclass(frozen=True, slots=True)
class MissList:
    shown: list[MissWithCandidates]
    waiting: int  # wordings waiting in all, shown or not


class FaqLearning:
    def __init__(self, db: Database, faq: FaqService, clock: Clock) -> None:
        self._db = db
        self._faq = faq
        self._clock = clock

    async def record_miss(self, user_id: int, lang: str, text: str) -> None:
        text = text.strip()[:MISS_MAX_LENGTH]
        wording = normalize(text)
        if not wording:
            return
        await Repositories(self._db).faq_learning.add_miss(
            user_id, lang, text, wording, self._clock()
        )

    async def record_answer(self) -> None:
        """A confident answer was given: only the moment is kept, for the funders' report."""
        await Repositories(self._db).faq_answers.record(self._clock())

    async def frequent_misses(self) -> MissList:
        """The wordings still waiting, most frequent first (MISSES_SHOWN of them).

        A wording the FAQ now answers confidently (an entry was published or a wording
        attached since it was asked) is done: it leaves the list for good.
        """
        await self._faq.ready()
        repos = Repositories(self._db).faq_learning
        waiting: list[FaqMiss] = []
        for miss in await repos.frequent_misses():
            if self._faq.search(miss.text, miss.lang, 1):
                await repos.delete_wording(miss.wording)
            else:
                waiting.append(miss)
        shown = [
            MissWithCandidates(miss, self._faq.nearest(miss.text, miss.lang, CANDIDATES))
            for miss in waiting[:MISSES_SHOWN]
        ]
        return MissList(shown, len(waiting))

    async def attach_miss(self, miss_id: int, entry_key: str) -> AttachOutcome:
        """Make the miss's wording an alias of the entry; every repeat of it goes too."""
        entry = self._faq.entry(entry_key)
        async with self._db.transaction() as tx:
            repos = Repositories(tx).faq_learning
            miss = await repos.get_miss(miss_id)
            if miss is None or entry is None:
                return AttachOutcome.GONE
            added = await repos.add_alias(entry.id, miss.text, self._clock())
            await repos.delete_wording(miss.wording)
        await self._faq.reload()
        log.info("FAQ miss %d attached to %s", miss_id, entry.id)
        return AttachOutcome.ATTACHED if added else AttachOutcome.ALREADY

    async def dismiss_miss(self, miss_id: int) -> bool:
        async with self._db.transaction() as tx:
            repos = Repositories(tx).faq_learning
            miss = await repos.get_miss(miss_id)
            if miss is None:
                return False
            await repos.delete_wording(miss.wording)
        return True

    async def purge_old_misses(self) -> int:
        """The cleanup job: misses older than MISS_KEEP_DAYS are deleted."""
        cutoff = self._clock() - timedelta(days=MISS_KEEP_DAYS)
        removed = await Repositories(self._db).faq_learning.delete_misses_before(cutoff)
        if removed:
            log.info("FAQ misses older than %d days deleted: %d", MISS_KEEP_DAYS, removed)
        return removed

    async def question_candidates(self, question_id: int) -> list[FaqEntry] | None:
        """Entries an answered question could join; None when it cannot join any."""
        repos = Repositories(self._db)
        question = await repos.questions.get(question_id)
        if question is None or question.answer is None or question.faq_entry_id is not None:
            return None
        lang = DEFAULT_LANGUAGE
        if question.user_id is not None:
            asker = await repos.users.get(question.user_id)
            if asker is not None:
                lang = pick_language(asker.language, asker.language_code)
        await self._faq.ready()
        return self._faq.nearest(question.text, lang, CANDIDATES)

    async def attach_question(self, question_id: int, entry_key: str) -> AttachOutcome:
        """Attach an answered question's text to an existing entry as a wording."""
        entry = self._faq.entry(entry_key)
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            question = await repos.questions.get(question_id)
            if question is None or entry is None:
                return AttachOutcome.GONE
            if question.faq_entry_id is not None:
                return AttachOutcome.ALREADY
            text = question.text.strip()[:MISS_MAX_LENGTH]
            await repos.faq_learning.add_alias(entry.id, text, self._clock())
            await repos.questions.set_faq_entry(question.id, entry.id)
        await self._faq.reload()
        log.info("question %d attached to FAQ entry %s", question_id, entry.id)
        return AttachOutcome.ATTACHED
