"""Greetings, thanks and a short «ок» are answered as such, never searched or relayed."""

from __future__ import annotations

import pytest

from bot.services.small_talk import SmallTalk, small_talk


@pytest.mark.parametrize(
    "text",
    [
        "ок",
        "хорошо",
        "понятно",
        "ясно",
        "ладно",
        "👍",
        "ок, понял",
        "Понятно!",
        "ok",
        "👍🙂",
        "ясно 👍",
    ],
)
def test_an_acknowledgement_is_small_talk(text: str) -> None:
    assert small_talk(text) is SmallTalk.ACKNOWLEDGEMENT


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("ок спасибо", SmallTalk.THANKS),
        ("Понятно, спасибо!", SmallTalk.THANKS),
        ("Добрый день!", SmallTalk.GREETING),
        ("Хорошо, а где будет семинар?", None),
        ("понятно, а сколько стоит", None),
        ("???", None),
        ("", None),
    ],
)
def test_a_question_is_not_small_talk(text: str, talk: SmallTalk | None) -> None:
    assert small_talk(text) is talk
