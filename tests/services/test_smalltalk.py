"""Greetings and thanks are told apart from questions before the FAQ search."""

from __future__ import annotations

import pytest

from bot.services.smalltalk import Courtesy, classify


@pytest.mark.parametrize(
    "text", ["Здравствуйте", "Добрый день!", "привет", "Доброе утро всем", "Hello", "Hi there"]
)
def test_greetings(text: str) -> None:
    assert classify(text) is Courtesy.GREETING


@pytest.mark.parametrize(
    "text", ["спасибо", "Спасибо большое!", "Благодарю)", "Thank you", "добрый день, спасибо"]
)
def test_thanks(text: str) -> None:
    assert classify(text) is Courtesy.THANKS


@pytest.mark.parametrize(
    "text",
    [
        "Здравствуйте, сколько стоит участие?",
        "привет?",
        "спасибо, а где будет семинар",
        "Семинары",
        "👋",
        "",
        "привет " * 20,
    ],
)
def test_questions_and_other_text_are_not_courtesy(text: str) -> None:
    assert classify(text) is None
