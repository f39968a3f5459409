"""How close in meaning each query word is to each FAQ entry, from word vectors.

An entry is described by the words of its question and aliases (its *title*) and, as
weaker context, the words of its answer and category. A query word's closeness to an
entry is the best cosine similarity between its vector and the vector of one of the
entry's words; the title counts in full, the context at a discount. The similarity
is mapped to a credit in 0..1: navec gives unrelated words about 0.0–0.2 and
synonyms or close words 0.3–0.6 ("онлайн"/"трансляция" 0.40, "стоит"/"цена" 0.42,
"удостоверение"/"сертификат" 0.40), so only the part between ``_FLOOR`` and
``_FULL`` counts.

The entries' word vectors are computed once per index; a query costs one lookup per
word and one small matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.services.word_vectors import WordVectors

__all__ = ["EntryMeanings"]

Credits = npt.NDArray[np.float32]

# Cosine similarity at or below _FLOOR gives no credit, at _FULL or above full credit.
_FLOOR = 0.3
_FULL = 0.65
# A word close to the answer or the category, not to the question, counts this much.
_CONTEXT_CREDIT = 0.6


class EntryMeanings:
    """The entries' words as vectors, grouped per entry for max-similarity lookups."""

    def __init__(
        self,
        titles: Sequence[Sequence[str]],
        contexts: Sequence[Sequence[str]],
        vectors: WordVectors,
    ) -> None:
        """``titles[i]`` and ``contexts[i]`` are the words of entry i's title and context."""
        self._vectors = vectors
        vocabulary: dict[str, int] = {}
        title_ids = [sorted({vocabulary.setdefault(w, len(vocabulary)) for w in t}) for t in titles]
        context_ids = [
            sorted({vocabulary.setdefault(w, len(vocabulary)) for w in c}) for c in contexts
        ]
        matrix, known = vectors.matrix(list(vocabulary))
        # Column `blank` is a zero vector that every entry gets, so that no group is
        # empty (reduceat needs that) and an entry without known words scores 0.
        blank = len(vocabulary)
        self._matrix = np.vstack([matrix, np.zeros((1, vectors.dim), np.float32)])
        self._title = _Groups([[i for i in ids if known[i]] + [blank] for ids in title_ids])
        self._context = _Groups([[i for i in ids if known[i]] + [blank] for ids in context_ids])

    def credits(self, tokens: Sequence[str]) -> Credits:
        """Credit (0..1) of each token for each entry, shape (tokens, entries)."""
        query, _ = self._vectors.matrix(list(tokens))
        # (words × dim) @ (dim × tokens) is the fast order for a tall, C-ordered matrix.
        similarity = (self._matrix @ query.T).T
        title = _credit(self._title.best(similarity))
        context = _credit(self._context.best(similarity)) * _CONTEXT_CREDIT
        result: Credits = np.maximum(title, context)
        return result


class _Groups:
    """Column groups of a similarity matrix, one per entry, reduced by maximum."""

    def __init__(self, groups: Sequence[Sequence[int]]) -> None:
        self._columns = np.fromiter((i for g in groups for i in g), dtype=np.intp)
        starts = np.cumsum([0, *(len(g) for g in groups)])[:-1]
        self._starts = starts.astype(np.intp)

    def best(self, similarity: Credits) -> Credits:
        picked = similarity[:, self._columns]
        result: Credits = np.maximum.reduceat(picked, self._starts, axis=1)
        return result


def _credit(similarity: Credits) -> Credits:
    result: Credits = np.clip((similarity - _FLOOR) / (_FULL - _FLOOR), 0.0, 1.0)
    return result
