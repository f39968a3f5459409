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

from collections.abc import Callable, Sequence

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
# Words whose credits are kept; bounded so that random text cannot grow it.
_MEMO_SIZE = 20_000


class EntryMeanings:
    """The entries' words as vectors, grouped per entry for max-similarity lookups."""

    def __init__(
        self,
        titles: Sequence[Sequence[str]],
        contexts: Sequence[Sequence[str]],
        phrases: Sequence[Sequence[Sequence[str]]],
        weight: Callable[[str], float],
        vectors: WordVectors,
    ) -> None:
        """Entry i: ``titles[i]`` and ``contexts[i]`` are the words of its title and
        context, ``phrases[i]`` the words of each of its question and aliases;
        ``weight`` tells how much a word says (its IDF), for averaging phrases."""
        self._vectors = vectors
        self._weight = weight
        # Each word's credits, once computed: a message is scored twice when it tells a
        # story (whole and asking sentence), and messages repeat words.
        self._memo: dict[str, Credits] = {}
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
        # The gist of each phrase: the IDF-weighted mean of its word vectors.
        gists: list[Credits] = []
        owners: list[list[int]] = []
        for entry_phrases in phrases:
            owners.append([])
            for phrase in entry_phrases:
                gist = self.gist(phrase)
                if gist is not None:
                    owners[-1].append(len(gists))
                    gists.append(gist)
            owners[-1].append(-1)  # the zero row: no group is empty
        gists.append(np.zeros(vectors.dim, np.float32))
        self._gists = np.vstack(gists)
        # The gist of each entry's context (answer and category), for sparse entries
        # whose only question says little.
        self._context_gists = np.vstack(
            [
                g if (g := self.gist(words)) is not None else np.zeros(vectors.dim, np.float32)
                for words in contexts
            ]
        )
        self._gist_owners = _Groups([[len(gists) - 1 if i < 0 else i for i in o] for o in owners])

    def gist(self, tokens: Sequence[str]) -> Credits | None:
        """Unit IDF-weighted mean vector of the known tokens; None when none is known."""
        matrix, known = self._vectors.matrix(list(tokens))
        weights = np.array(
            [self._weight(t) if k else 0.0 for t, k in zip(tokens, known, strict=True)],
            dtype=np.float32,
        )
        if not weights.any():
            return None
        mean = weights @ matrix
        norm = float(np.linalg.norm(mean))
        if norm == 0.0:
            return None
        result: Credits = mean / norm
        return result

    def gist_similarity(self, tokens: Sequence[str]) -> tuple[Credits, Credits]:
        """Per entry, the cosine between the query's gist and (1) the best of its
        phrases' gists, (2) its context's gist; both clipped to 0..1."""
        query = self.gist(tokens)
        if query is None:
            blank = np.zeros(self._gist_owners.count, np.float32)
            return blank, blank
        similarity = (self._gists @ query)[np.newaxis, :]
        title: Credits = np.clip(self._gist_owners.best(similarity)[0], 0.0, 1.0)
        context: Credits = np.clip(self._context_gists @ query, 0.0, 1.0)
        return title, context

    def credits(self, tokens: Sequence[str]) -> Credits:
        """Credit (0..1) of each token for each entry, shape (tokens, entries)."""
        missing = sorted({token for token in tokens if token not in self._memo})
        fresh: dict[str, Credits] = {}
        if missing:
            query, _ = self._vectors.matrix(missing)
            # (words × dim) @ (dim × tokens) is the fast order for a tall, C-ordered matrix.
            similarity = (self._matrix @ query.T).T
            title = _credit(self._title.best(similarity))
            context = _credit(self._context.best(similarity)) * _CONTEXT_CREDIT
            fresh = dict(zip(missing, np.maximum(title, context), strict=True))
            if len(self._memo) + len(missing) <= _MEMO_SIZE:
                self._memo.update(fresh)
        rows = [fresh[token] if token in fresh else self._memo[token] for token in tokens]
        result: Credits = np.vstack(rows) if rows else np.zeros((0, self._title.count), np.float32)
        return result


class _Groups:
    """Column groups of a similarity matrix, one per entry, reduced by maximum."""

    def __init__(self, groups: Sequence[Sequence[int]]) -> None:
        self._columns = np.fromiter((i for g in groups for i in g), dtype=np.intp)
        starts = np.cumsum([0, *(len(g) for g in groups)])[:-1]
        self._starts = starts.astype(np.intp)
        self.count = len(groups)

    def best(self, similarity: Credits) -> Credits:
        picked = similarity[:, self._columns]
        result: Credits = np.maximum.reduceat(picked, self._starts, axis=1)
        return result


def _credit(similarity: Credits) -> Credits:
    result: Credits = np.clip((similarity - _FLOOR) / (_FULL - _FLOOR), 0.0, 1.0)
    return result
