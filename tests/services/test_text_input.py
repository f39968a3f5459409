"""Format characters (Unicode category Cf) are removed from what people type; emoji stay whole."""

from __future__ import annotations

import unicodedata

import pytest

from bot.services.profile import check_text, normalise_phone
from bot.services.text_input import strip_format_characters

FLAG_SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Иван\u202eвонавИ", "ИванвонавИ"),  # right-to-left override
        ("Ива\u200bн", "Иван"),  # zero-width space
        ("\u2066Свет\u2069", "Свет"),  # isolates
        ("\ufeffНКО", "НКО"),  # byte order mark
        ("пере\u00adнос", "перенос"),  # soft hyphen
        ("a\u200db", "ab"),  # a joiner between letters joins nothing
        ("👩\u200d💻", "👩\u200d💻"),  # one emoji: technologist
        ("❤️\u200d🔥", "❤️\u200d🔥"),  # with a variation selector before the joiner
        ("👩🏽\u200d💻", "👩🏽\u200d💻"),  # with a skin tone
        ("👩\u200d", "👩"),  # a joiner at the end joins nothing
        (FLAG_SCOTLAND, FLAG_SCOTLAND),  # tag characters of a subdivision flag
        ("x\U000e0067", "x"),  # tag characters anywhere else
        ('«Наше будущее» — НКО "Свет" №5 (20%)!?', '«Наше будущее» — НКО "Свет" №5 (20%)!?'),
    ],
)
def test_strip_format_characters(typed: str, kept: str) -> None:
    assert strip_format_characters(typed) == kept


def test_no_format_character_survives_except_inside_emoji() -> None:
    every_cf = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert strip_format_characters(f"a{every_cf}b") == "ab"


def test_profile_answers_are_cleaned_before_they_are_checked() -> None:
    assert check_text("Иванова\u202e Анна").value == "Иванова Анна"
    assert check_text("\u200b\u200b\u200b").value is None  # nothing left to be a name
    assert normalise_phone("+7\u202e912 345-67-89") == "+79123456789"
