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
    NOT_A_NAME = "not_a_name"
    NOT_AN_ORGANISATION = "not_an_organisation"


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


# Words of an organisation's name («ТОС «Заречный»» is where one works, not who one is).
_ORGANISATION_WORDS = frozenset(
    {
        "тос",
        "ано",
        "нко",
        "ооо",
        "оао",
        "зао",
        "пао",
        "ип",
        "фонд",
        "ассоциация",
        "союз",
        "центр",
        "организация",
        "учреждение",
        "ngo",
        "llc",
        "foundation",
        "association",
    }
)
_WORD = re.compile(r"\w+")
# An answer about a phone at the organisation step: «мой телефон», «номер».
_PHONE_WORDS = frozenset({"телефон", "номер", "phone", "number"})


def _words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text)}


def check_full_name(raw: str) -> Checked:
    """As `check_text`, and at least two words that are not a question nor an organisation."""
    checked = check_text(raw)
    if checked.value is None:
        return checked
    words = checked.value.split(" ")
    if checked.value.endswith("?") or words[0].casefold().rstrip(",!") in _QUESTION_WORDS:
        return Checked(None, TextProblem.QUESTION)
    # Only an organisation's type word refuses a name: quotes or digits alone do not, since
    # a name in an export may legitimately start like a formula and is neutralised there.
    if _words(checked.value) & _ORGANISATION_WORDS:
        return Checked(None, TextProblem.NOT_A_NAME)
    if len(words) < 2:
        return Checked(None, TextProblem.ONE_WORD)
    return checked


def check_organisation(raw: str) -> Checked:
    """As `check_text`, and not a phone number nor words about one."""
    if normalise_phone(raw) is not None:
        return Checked(None, TextProblem.NOT_AN_ORGANISATION)
    checked = check_text(raw)
    if checked.value is not None and _words(checked.value) & _PHONE_WORDS:
        return Checked(None, TextProblem.NOT_AN_ORGANISATION)
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
