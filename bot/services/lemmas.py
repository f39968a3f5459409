"""Dictionary forms of Russian words (pymorphy3), for words whose stem the FAQ lacks.

Snowball cuts endings by rule and leaves some forms of one word apart ("запишите" →
"запиш", "записаться" → "записа"; "иду" / "идти"); the dictionary knows them. Loading
it takes a third of a second and about 25 MB, so it is loaded once per process, on
first use.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import pymorphy3

__all__ = ["Lemmatizer", "shared_lemmatizer"]

_CACHE_SIZE = 50_000


class Lemmatizer:
    def __init__(self) -> None:
        self._morph = pymorphy3.MorphAnalyzer(lang="ru")
        self.lemma = lru_cache(maxsize=_CACHE_SIZE)(self._lemma)

    def _lemma(self, word: str) -> str:
        """The most likely dictionary form of a lower-case word (the word if unknown)."""
        parses = self._morph.parse(word)
        if not parses or not parses[0].is_known:
            return word
        return str(parses[0].normal_form).replace("ё", "е")


_shared: Lemmatizer | None = None
_lock = threading.Lock()


def shared_lemmatizer() -> Lemmatizer:
    global _shared
    with _lock:
        if _shared is None:
            _shared = Lemmatizer()
        return _shared
