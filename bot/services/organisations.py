"""One organisation however its name was typed: case, quotes, spaces and the legal form
(«АНО», «НКО», «Автономная некоммерческая организация»…) do not make a second one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_QUOTES = re.compile(r"[«»\"“”„‟'‘’`]")
_PUNCTUATION = re.compile(r"[.,;:()]")
# Legal forms and generic words written in front of the name; the longest are tried first.
_FORMS = (
    "автономная некоммерческая организация",
    "социально ориентированная некоммерческая организация",
    "некоммерческая организация",
    "со нко",
    "сонко",
    "ано",
    "нко",
)


def organisation_key(name: str) -> str:
    """The name reduced to what tells organisations apart; empty for an empty name."""
    text = _QUOTES.sub(" ", name.casefold().replace("ё", "е"))
    text = " ".join(_PUNCTUATION.sub(" ", text).split())
    for form in _FORMS:
        if text == form:
            return text
        if text.startswith(form + " "):
            return text[len(form) + 1 :]
    return text


def merge_spellings(names: Iterable[str]) -> list[str]:
    """Distinct organisations, each shown in its most frequent spelling (spaces tidied),
    alphabetically."""
    spellings: dict[str, Counter[str]] = {}
    for name in names:
        shown = " ".join(name.split())
        key = organisation_key(shown)
        if key:
            spellings.setdefault(key, Counter())[shown] += 1
    chosen = [counter.most_common(1)[0][0] for counter in spellings.values()]
    return sorted(chosen, key=str.casefold)
