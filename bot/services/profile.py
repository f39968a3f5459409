"""Checks and normalisation of the answers a participant gives in the profile dialog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from bot.services.text_input import strip_format_characters

TEXT_MIN_LENGTH = 2
TEXT_MAX_LENGTH = 200
PHONE_REGION = "RU"

_SPACES = re.compile(r"\s+")


class TextProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMAND = "command"
    NO_LETTERS = "no_letters"
    QUESTION = "question"
    ONE_WORD = "one_word"


@dataclass(frozen=True, slots=True)
class Checked:
    """Either a cleaned value or the reason it was refused."""

    value: str | None
    problem: TextProblem | None = None


def check_text(raw: str) -> Checked:
    """A name or an organisation: one line, 2–200 characters, with letters, not a command."""
    text = _SPACES.sub(" ", strip_format_characters(raw)).strip()
    if text.startswith("/"):
        return Checked(None, TextProblem.COMMAND)
    if len(text) < TEXT_MIN_LENGTH:
        return Checked(None, TextProblem.TOO_SHORT)
    if len(text) > TEXT_MAX_LENGTH:
        return Checked(None, TextProblem.TOO_LONG)
    # Emoji, punctuation and digits alone are not a name.
    if not any(ch.isalpha() for ch in text):
        return Checked(None, TextProblem.NO_LETTERS)
    return Checked(text)


# A full name never starts with these: the text is a question about the step instead.
_QUESTION_WORDS = frozenset(
    {
        "а",
        "зачем",
        "почему",
        "для",
        "что",
        "как",
        "кто",
        "где",
        "когда",
        "сколько",
        "можно",
        "обязательно",
        "нужно",
        "why",
        "what",
        "how",
        "who",
        "do",
        "is",
        "must",
        "can",
    }
)


def check_full_name(raw: str) -> Checked:
    """As `check_text`, and at least two words that are not a question."""
    checked = check_text(raw)
    if checked.value is None:
        return checked
    words = checked.value.split(" ")
    if checked.value.endswith("?") or words[0].casefold().rstrip(",!") in _QUESTION_WORDS:
        return Checked(None, TextProblem.QUESTION)
    if len(words) < 2:
        return Checked(None, TextProblem.ONE_WORD)
    return checked


def normalise_phone(raw: str) -> str | None:
    """E.164 (`+79123456789`) for a valid number; Russian numbers may omit the country code."""
    text = strip_format_characters(raw).strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
