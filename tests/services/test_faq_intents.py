"""Tests for reading how a Russian question asks (a place, a date, a price...)."""

from __future__ import annotations

import pytest

from bot.services.faq_intents import intents
from bot.services.faq_search import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Где проходит семинар?", {"place"}),
        ("куда ехать, какой адрес", {"place"}),
        ("Когда ближайший семинар?", {"time"}),
        ("Сколько стоит участие?", {"cost"}),
        ("Что такое социальное предпринимательство?", {"definition"}),
        ("Кто проводит семинары?", {"person"}),
        ("Чем НКО отличается от социального предприятия?", {"difference"}),
        ("Зачем согласие на обработку данных?", {"reason"}),
        ("Сколько человек в группе?", {"amount"}),
    ],
)
def test_the_kind_of_question_is_read_from_its_wording(text: str, expected: set[str]) -> None:
    assert intents(normalize(text)) == expected


def test_a_statement_asks_nothing() -> None:
    assert intents(normalize("Спасибо, всё понятно")) == frozenset()


def test_several_kinds_at_once() -> None:
    assert intents(normalize("Где и когда будет семинар?")) == {"place", "time"}
