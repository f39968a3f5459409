"""Greetings and thanks: messages that are courtesy, not questions.

Applied before the FAQ search, so «Здравствуйте» is greeted back instead of being
offered to the organisers as an unanswered question. Only a message made of nothing
but courtesy words counts: «Здравствуйте, сколько стоит участие?» is a question.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Courtesy(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"


_GREETINGS = frozenset(
    {
        "здравствуйте",
        "здравствуй",
        "здрасте",
        "здрасьте",
        "привет",
        "приветствую",
        "добрый день",
        "добрый вечер",
        "доброе утро",
        "доброго дня",
        "доброго времени суток",
        "день добрый",
        "hello",
        "hi",
        "hey",
        "good morning",
        "good afternoon",
        "good evening",
    }
)
_THANKS = frozenset(
    {
        "спасибо",
        "спс",
        "благодарю",
        "благодарим",
        "спасибо большое",
        "большое спасибо",
        "огромное спасибо",
        "спасибо огромное",
        "спасибо за ответ",
        "спасибо за помощь",
        "thanks",
        "thank you",
        "thanks a lot",
        "thank you very much",
        "many thanks",
    }
)
# Words that may go with a greeting or thanks without making it a question.
_FILLERS = frozenset({"всем", "вам", "бот", "ещё", "еще", "again", "all", "there", "so", "much"})
_NOT_WORD = re.compile(r"[^\w\s-]+")
_SPACES = re.compile(r"\s+")
MAX_LENGTH = 60


def classify(text: str) -> Courtesy | None:
    """GREETING or THANKS when the whole message is one (or both: thanks wins), else None."""
    if len(text) > MAX_LENGTH or "?" in text:
        return None
    words = _SPACES.sub(" ", _NOT_WORD.sub(" ", text.casefold().replace("ё", "е"))).split()
    words = [word for word in words if word not in _FILLERS]
    if not words:
        return None
    found: set[Courtesy] = set()
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            phrase = " ".join(words[start:end])
            if phrase in _THANKS:
                found.add(Courtesy.THANKS)
                break
            if phrase in _GREETINGS:
                found.add(Courtesy.GREETING)
                break
        else:
            return None
        start = end
    return Courtesy.THANKS if Courtesy.THANKS in found else Courtesy.GREETING
