"""Greetings, thanks and short acknowledgements: answered as such, never searched.

«ок», «понятно», «ладно», «👍» are not questions: searching the FAQ for them, or
offering to send them to the organisers, would only puzzle the person who typed them.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from bot.services.faq_search import normalize

__all__ = ["SmallTalk", "small_talk"]


class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    ACKNOWLEDGEMENT = "acknowledgement"  # «ок», «понятно», «👍»


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
_ACKNOWLEDGEMENT_WORDS = _word_set(
    """
    ок окей оки ok okay хорошо понятно ясно ладно понял поняла поняли принято
    договорились отлично супер да угу ага good fine got it alright sure cool i see noted
    """
)


def _only_emoji(text: str) -> bool:
    """A message of pictures alone («👍», «🙏🙂»): no letters or digits, some emoji."""
    kept = [char for char in text if not char.isspace()]
    return (
        bool(kept)
        and any(unicodedata.category(char) == "So" for char in kept)
        and not any(char.isalnum() for char in kept)
    )


def small_talk(text: str) -> SmallTalk | None:
    """What a message is when all its words are greetings, thanks or a short «ок»; else None."""
    tokens = normalize(text).split()
    if not tokens:
        return SmallTalk.ACKNOWLEDGEMENT if _only_emoji(text) else None
    if len(tokens) > 8:
        return None
    if _THANKS_MARKERS & set(tokens) and all(t in _THANKS_WORDS | _GREETING_WORDS for t in tokens):
        return SmallTalk.THANKS
    if all(token in _GREETING_WORDS for token in tokens):
        return SmallTalk.GREETING
    if all(token in _ACKNOWLEDGEMENT_WORDS for token in tokens):
        return SmallTalk.ACKNOWLEDGEMENT
    return None
