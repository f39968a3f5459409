"""One organisation however its name was typed."""

from __future__ import annotations

import pytest

from bot.services.organisations import merge_spellings, organisation_key


@pytest.mark.parametrize(
    "spelling",
    [
        "АНО «Ромашка»",
        'ано "Ромашка"',
        "  АНО   Ромашка ",
        "НКО «Ромашка»",
        "Автономная некоммерческая организация «Ромашка»",
        "АНО. «Ромашка»",
        "Ромашка",
        "«РОМАШКА»",
    ],
)
def test_spellings_of_one_organisation_share_a_key(spelling: str) -> None:
    assert organisation_key(spelling) == "ромашка"


def test_different_organisations_stay_apart() -> None:
    keys = {organisation_key(name) for name in ("Фонд «Свет»", "АНО «Свет»", "Фонд «Тень»")}
    assert keys == {"фонд свет", "свет", "фонд тень"}


def test_the_most_frequent_spelling_is_shown_once() -> None:
    names = ['АНО "Ромашка"', "АНО «Ромашка»", "АНО  «Ромашка»", "", "  ", "Фонд «Свет»"]
    assert merge_spellings(names) == ["АНО «Ромашка»", "Фонд «Свет»"]
