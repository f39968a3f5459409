"""Greetings and thanks: a message made only of them is answered as such, not searched."""

from __future__ import annotations

from enum import StrEnum

from bot.services.faq_search import normalize

__all__ = ["SmallTalk", "small_talk"]


class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GREETING_WORDS = _word_set(
    """
    здравствуйте здравствуй привет приветствую добрый доброе доброго день вечер утро
    утра вечера дня всем hi hello hey good morning afternoon evening there
    """
)
_THANKS_WORDS = _word_set(
    """
    спасибо спасибочки благодарю благодарим большое огромное вам вы очень понятно
    ясно отлично хорошо ок ok супер thanks thank you very much a lot great
    """
)
_THANKS_MARKERS = _word_set("спасибо спасибочки благодарю благодарим thanks thank")


def small_talk(text: str) -> SmallTalk | None:
    """What a message is when all its words are greetings or thanks; else None."""
    tokens = normalize(text).split()
    if not tokens or len(tokens) > 8:
        return None
    if _THANKS_MARKERS & set(tokens) and all(t in _THANKS_WORDS | _GREETING_WORDS for t in tokens):
        return SmallTalk.THANKS
    if all(token in _GREETING_WORDS for token in tokens):
        return SmallTalk.GREETING
    return None
