"""What kind of answer a Russian question asks for: a place, a date, a price, a definition...

The topic words of "где проходит семинар?" and "о чём семинар?" are the same; what
tells them apart is how they ask. An FAQ entry's own question (and its aliases) asks
the same way as the messages it answers ("Где проходят семинары?" → a place), so the
kind of question is read from both sides and the search counts it as a signal: it
works for an organiser's entry with a single question as well as for the bundled file.

The cues are general Russian interrogative phrasings, not the wording of one FAQ file.
"""

from __future__ import annotations

import re

__all__ = ["intents"]

_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "definition": (
            r"\bчто (такое|значит|означает|это|за)\b|\bэто (что|как)\b|\bкто (такой|такая|такие)"
            r"|\bопределени|\bпонима|\bподразумева|\bв двух словах|\bсуть\b"
        ),
        "difference": r"\bотлича|\bразниц|\bодно и то же|\bто же самое|\bсравнени|\bпутаю",
        "place": (
            r"\bгде\b|\bкуда\b|\bадрес|\bдобрать|\bдоехать|\bдойти|\bпроезд|\bкак пройти"
            r"|\bкак попасть в\b"
        ),
        "time": (
            r"\bкогда\b|\bво сколько|\bдат[аыуе]\b|\bсрок|\bдо какого|\bрасписани"
            r"|\bкакого числа|\bдедлайн|\bдо когда|\bближайш|\bследующ"
        ),
        "cost": r"\bсколько стоит|\bстоимост|\bцен[аы]\b|\bплатн|\bбесплатн|\bоплат|\bзаплатить",
        "person": r"\bкто\b|\bкому\b|\bчей\b|\bчья\b|\bчье\b|\bчьи\b|\bкем\b|\bс кем\b",
        "procedure": (
            r"\bкак\b|\bкаким образом|\bпошагов|\bпо шагам|\bпорядок|\bпроцедур"
            r"|\bс чего начать"
        ),
        "permission": (
            r"\bможно\b|\bможет\b|\bмогут\b|\bвправе\b|\bразрешен|\bимеет право|\bимеют право"
            r"|\bподходит|\bподойд|\bподпада|\bсчитается"
        ),
        "reason": r"\bзачем\b|\bпочему\b|\bдля чего\b",
        "list": r"\bкакие\b|\bперечисл|\bсписок\b|\bвиды\b|\bкатегори",
        "amount": r"\bсколько\b(?! стоит)",
    }.items()
}


def intents(text: str) -> frozenset[str]:
    """The kinds of question that ``text`` (lower case, normalised) asks."""
    return frozenset(name for name, pattern in _CUES.items() if pattern.search(text))
