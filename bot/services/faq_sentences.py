"""How close a whole message is in meaning to each FAQ entry (sentence vectors).

Word-level signals need the message and the entry to share words, or words whose
vectors are close; a question asked in other words entirely («корочку дадут?» for
«Выдаётся ли сертификат?») shares none. A sentence encoder maps both to vectors that
are close when they mean the same, whatever the words. For each entry we keep the
vector of its question and of each alias (a message usually rephrases one of them) and
of its question with its answer (the answer says what the entry is about in more
words, which helps an organiser's entry that has no aliases).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.services.faq_file import FaqEntry
from bot.services.sentence_vectors import SentenceVectors

__all__ = ["EntrySentences", "SentenceScores"]

# The closeness of an entry: this share from its closest question or alias, the rest
# from its question with its answer.
_TITLE_SHARE = 0.6


@dataclass(frozen=True)
class SentenceScores:
    """Per entry, in the index's order: closeness (cosine, −1..1) to the message, and
    its lead over the closest other entry (negative when another is closer)."""

    closeness: npt.NDArray[np.float32]
    lead: npt.NDArray[np.float32]

    def nearest(self, limit: int) -> list[int]:
        """Positions of the ``limit`` closest entries, closest first."""
        count = min(limit, len(self.closeness))
        if count <= 0:
            return []
        top = np.argpartition(-self.closeness, count - 1)[:count]
        return [int(i) for i in top[np.argsort(-self.closeness[top], kind="stable")]]


class EntrySentences:
    """Sentence vectors of the entries of one language."""

    def __init__(self, entries: Sequence[FaqEntry], sentences: SentenceVectors) -> None:
        self._sentences = sentences
        titles: list[str] = []
        starts: list[int] = []  # where each entry's question and aliases begin in titles
        for entry in entries:
            starts.append(len(titles))
            titles.extend((entry.question, *entry.aliases))
        self._starts = np.asarray(starts, dtype=np.int64)
        self._titles = sentences.encode(titles)
        self._with_answers = sentences.encode([f"{e.question} {e.answer}" for e in entries])

    def scores(self, texts: Sequence[str]) -> SentenceScores:
        """Closeness of each entry to the closest of ``texts`` (the message, and its
        asking sentence when it tells a story around it)."""
        queries = self._sentences.encode(list(dict.fromkeys(texts)))
        by_title = np.maximum.reduceat(queries @ self._titles.T, self._starts, axis=1)
        by_answer = queries @ self._with_answers.T
        mixed = _TITLE_SHARE * by_title + (1.0 - _TITLE_SHARE) * by_answer
        closeness = mixed.max(axis=0).astype(np.float32)
        return SentenceScores(closeness, _leads(closeness))


def _leads(closeness: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if len(closeness) < 2:
        return np.ones_like(closeness)
    order = np.argsort(-closeness)
    first, second = closeness[order[0]], closeness[order[1]]
    lead: npt.NDArray[np.float32] = (closeness - first).astype(np.float32)
    lead[order[0]] = first - second
    return lead
