"""The FAQ in the database and in memory: start-up import of FAQ_PATH, browsing and search.

The database is the source of truth (it also holds entries organisers added from
answered questions); the in-memory ``FaqIndex`` and the category lists are rebuilt from
it after every change. Buttons refer to categories and entries by short stable keys
(hashes), because entry ids may be too long for Telegram's 64-byte callback data.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.services.faq_file import FaqEntry, load_faq_file
from bot.services.faq_search import FaqIndex
from bot.services.lemmas import Lemmatizer, shared_lemmatizer
from bot.services.sentence_vectors import SentenceVectors, shared_sentence_vectors
from bot.services.word_vectors import WordVectors, shared_word_vectors
from storage.database import Database
from storage.models import FaqRecord, FaqSource
from storage.repositories import Repositories

log = logging.getLogger(__name__)

__all__ = ["FaqCategory", "FaqFound", "FaqService", "ImportSummary", "short_key"]


def short_key(text: str) -> str:
    """12 hex characters: stable across restarts, short enough for callback data."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportSummary:
    imported: int
    removed: int


@dataclass(frozen=True, slots=True)
class FaqCategory:
    key: str
    lang: str
    title: str
    entries: tuple[FaqEntry, ...]


@dataclass(frozen=True, slots=True)
class FaqFound:
    """What a message finds: confident answers (best first), or else suggestions."""

    answers: list[FaqEntry]
    suggestions: list[FaqEntry]


def _entry(record: FaqRecord, learned: Sequence[str]) -> FaqEntry:
    return FaqEntry(
        id=record.id,
        lang=record.lang,
        category=record.category,
        question=record.question,
        aliases=(*record.aliases, *learned),
        answer=record.answer,
    )


class FaqService:
    def __init__(self, db: Database, clock: Clock, understands_russian: bool = True) -> None:
        """``understands_russian``: load word vectors and lemmas for Russian entries."""
        self._db = db
        self._clock = clock
        self._understands_russian = understands_russian
        self._models: tuple[WordVectors | None, Lemmatizer, SentenceVectors | None] | None = None
        self._models_loading: asyncio.Task[None] | None = None
        # One rebuild at a time, so that a words-only build that started before the
        # models arrived cannot replace the build that has them.
        self._reloading = asyncio.Lock()
        self._index = FaqIndex([])
        self._entries: dict[str, FaqEntry] = {}
        self._by_key: dict[str, FaqEntry] = {}
        self._categories: dict[str, list[FaqCategory]] = {}
        self._category_by_key: dict[str, FaqCategory] = {}
        # The file's order, so /faq lists categories and questions as the file does
        # even though upserted rows keep their old place in the table.
        self._file_order: dict[str, int] = {}

    async def import_file(self, path: Path) -> ImportSummary:
        """Upsert the file's entries by id and drop file entries that left it.

        Raises ``FaqFileError`` (before touching the database) when the file is invalid.
        """
        entries = load_faq_file(path)
        now = self._clock()
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            for entry in entries:
                await repos.faq.upsert(
                    entry.id,
                    entry.lang,
                    entry.category,
                    entry.question,
                    entry.aliases,
                    entry.answer,
                    FaqSource.FILE,
                    now,
                )
            removed = await repos.faq.delete_file_entries_except([e.id for e in entries])
        self._file_order = {entry.id: number for number, entry in enumerate(entries)}
        await self.reload()
        log.info("FAQ imported: %d entries from the file, %d removed", len(entries), removed)
        return ImportSummary(imported=len(entries), removed=removed)

    async def reload(self) -> None:
        """Rebuild the index and the category lists from the database.

        Wordings organisers attached to entries (from /faq_misses or an answered
        question) are kept apart from the entries and join their aliases here, so a
        re-import of the file does not lose them.

        The Russian models (word vectors, lemmas) take about a second to load, so the
        first reload starts loading them in the background and builds a words-only
        index; once they are loaded the index is rebuilt with them. Searches wait for
        that (``ready``), start-up does not.
        """
        async with self._reloading:
            await self._rebuild()
        if self._understands_russian and self._models_loading is None:
            self._models_loading = asyncio.create_task(self._load_models())

    async def _rebuild(self) -> None:
        repos = Repositories(self._db)
        records = await repos.faq.all()
        learned = await repos.faq_learning.aliases()
        unplaced = len(self._file_order)
        records.sort(key=lambda r: self._file_order.get(r.id, unplaced))
        entries = [_entry(record, learned.get(record.id, ())) for record in records]
        self._index = await asyncio.to_thread(self._build_index, entries)
        self._entries = {entry.id: entry for entry in entries}
        self._by_key = {short_key(entry.id): entry for entry in entries}
        self._build_categories(entries)

    def _build_index(self, entries: list[FaqEntry]) -> FaqIndex:
        if self._models is None:
            return FaqIndex(entries)
        return FaqIndex(entries, *self._models)

    async def _load_models(self) -> None:
        try:
            self._models = await asyncio.to_thread(
                lambda: (shared_word_vectors(), shared_lemmatizer(), shared_sentence_vectors())
            )
        except Exception:
            log.exception("Russian models for the FAQ search failed to load; words only")
            return
        await self.reload()
        log.info("FAQ search: Russian word vectors and lemmas loaded")

    async def ready(self) -> None:
        """Wait until the index has the Russian models (or they failed to load)."""
        if self._models_loading is not None:
            await asyncio.shield(self._models_loading)

    def _build_categories(self, entries: Sequence[FaqEntry]) -> None:
        grouped: dict[tuple[str, str], list[FaqEntry]] = {}
        for entry in entries:
            grouped.setdefault((entry.lang, entry.category), []).append(entry)
        self._categories = {}
        self._category_by_key = {}
        for (lang, title), items in grouped.items():
            category = FaqCategory(short_key(f"{lang}\n{title}"), lang, title, tuple(items))
            self._categories.setdefault(lang, []).append(category)
            self._category_by_key[category.key] = category

    def _language(self, lang: str) -> str | None:
        """`lang` if it has entries, else Russian, else any language that has some."""
        for candidate in (lang, "ru", *self._categories):
            if candidate in self._categories:
                return candidate
        return None

    def categories(self, lang: str) -> list[FaqCategory]:
        chosen = self._language(lang)
        return list(self._categories[chosen]) if chosen else []

    def category(self, key: str) -> FaqCategory | None:
        return self._category_by_key.get(key)

    def category_of(self, entry: FaqEntry) -> FaqCategory:
        return self._category_by_key[short_key(f"{entry.lang}\n{entry.category}")]

    def entry(self, key: str) -> FaqEntry | None:
        """The entry behind a button's key; None for a stale or forged key."""
        return self._by_key.get(key)

    def key_of(self, entry: FaqEntry) -> str:
        return short_key(entry.id)

    def get(self, entry_id: str) -> FaqEntry | None:
        return self._entries.get(entry_id)

    def search(self, text: str, lang: str, limit: int = 4) -> list[FaqEntry]:
        """Confident matches, best first; other languages are tried when `lang` has none."""
        return self.find(text, lang, limit).answers

    def find(self, text: str, lang: str, limit: int = 4) -> FaqFound:
        """Confident answers in `lang` (else in another language), or else suggestions."""
        # Read once: a reload may replace both while this runs in a worker thread.
        index, entries = self._index, self._entries
        found = index.lookup(text, lang, limit)
        if not found.answers:
            for other in sorted(index.languages - {lang}):
                elsewhere = index.lookup(text, other, limit)
                if elsewhere.answers:
                    found = elsewhere
                    break
        return FaqFound(
            [entries[m.entry_id] for m in found.answers if m.entry_id in entries],
            [entries[m.entry_id] for m in found.suggestions if m.entry_id in entries],
        )

    def nearest(self, text: str, lang: str, limit: int) -> list[FaqEntry]:
        """The entries closest to `text`, however unsure (for organisers to choose from)."""
        return [self._entries[m.entry_id] for m in self._index.nearest(text, lang, limit)]
