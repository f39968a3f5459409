"""The Russian search with its models, on an organiser-style FAQ (no aliases): the
fitted choice among entries and "none of them" gives the three outcomes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.services.faq_file import FaqEntry, load_faq_file
from bot.services.faq_search import FaqIndex
from bot.services.lemmas import shared_lemmatizer
from bot.services.sentence_vectors import shared_sentence_vectors
from bot.services.word_vectors import shared_word_vectors

ENTRIES = [
    FaqEntry(
        "venue", "ru", "Семинары", "Где проходит семинар?", (), "В технопарке, ул. Республики."
    ),
    FaqEntry(
        "certificate",
        "ru",
        "Семинары",
        "Выдают ли сертификат участникам?",
        (),
        "Да, каждый участник получает именной сертификат в конце семинара.",
    ),
    FaqEntry("price", "ru", "Семинары", "Сколько стоит участие?", (), "Участие бесплатное."),
]


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    vectors = shared_word_vectors()
    if vectors is None:
        pytest.skip("the natasha package with its navec vectors is not installed")
    return FaqIndex(ENTRIES, vectors, shared_lemmatizer(), shared_sentence_vectors())


def test_a_colloquial_synonym_is_answered(index: FaqIndex) -> None:
    found = index.lookup("корочку дадут?", "ru")
    assert [m.entry_id for m in found.answers] == ["certificate"]
    assert 0.5 < found.answers[0].score <= 1.0


def test_a_bare_colloquial_word_finds_its_entry(index: FaqIndex) -> None:
    found = index.lookup("корочка?", "ru")
    assert [m.entry_id for m in found.answers + found.suggestions][:1] == ["certificate"]


def test_a_word_only_close_in_meaning_is_only_suggested(index: FaqIndex) -> None:
    found = index.lookup("документ выдадут?", "ru")
    assert found.answers == []
    assert [m.entry_id for m in found.suggestions] == ["certificate"]


def test_an_off_topic_message_sharing_a_word_gets_no_answer(index: FaqIndex) -> None:
    assert index.lookup("сколько стоит квартира в Тюмени", "ru").answers == []
    assert index.lookup("Пускают ли с собакой?", "ru") == index.lookup("", "ru")


def test_a_story_is_answered_by_its_question(index: FaqIndex) -> None:
    text = (
        "Мы небольшая НКО из Ишима, едем на семинар впервые, навигатор у нас старый. "
        "Подскажите, где он проходит?"
    )
    assert [m.entry_id for m in index.lookup(text, "ru").answers] == ["venue"]


OWN_FAQ = Path(__file__).resolve().parents[1] / "data" / "faq_own_accelerator.yml"


@pytest.fixture(scope="module")
def own_entries() -> list[FaqEntry]:
    """An organiser's own file (written without the search in mind), every alias removed."""
    return [replace(e, aliases=()) for e in load_faq_file(OWN_FAQ) if e.lang == "ru"]


@pytest.fixture(scope="module")
def own_index(own_entries: list[FaqEntry]) -> FaqIndex:
    vectors = shared_word_vectors()
    if vectors is None:
        pytest.skip("the natasha package with its navec vectors is not installed")
    return FaqIndex(own_entries, vectors, shared_lemmatizer(), shared_sentence_vectors())


def test_each_question_of_an_alias_less_file_is_answered_by_its_entry(
    own_entries: list[FaqEntry], own_index: FaqIndex
) -> None:
    for entry in own_entries:
        found = own_index.lookup(entry.question, "ru")
        assert [m.entry_id for m in found.answers][:1] == [entry.id], entry.question


@pytest.mark.parametrize(
    "text",
    [
        "сколько стоит квартира в Тюмени",
        "как тебя зовут?",
        "какая погода завтра в Ишиме",
        "как получить налоговый вычет за лечение",
    ],
)
def test_off_topic_gets_no_answer_from_an_alias_less_file(own_index: FaqIndex, text: str) -> None:
    assert own_index.lookup(text, "ru").answers == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("сколько сотит участие?", "price"), ("выадют сертификат?", "certificate")],
)
def test_two_swapped_letters_are_a_typo(index: FaqIndex, text: str, expected: str) -> None:
    assert [m.entry_id for m in index.lookup(text, "ru").answers] == [expected]


def test_forms_of_request_words_are_not_unknown_content(index: FaqIndex) -> None:
    found = index.lookup("Можете рассказать, где проходит семинар?", "ru")
    assert [m.entry_id for m in found.answers] == ["venue"]
    assert index.lookup("Можете рассказать анекдот?", "ru") == index.lookup("", "ru")


ENGLISH = [
    FaqEntry(
        "venue-en",
        "en",
        "Seminars",
        "Where is the seminar held?",
        (),
        "At the technopark, 142 Respubliki Street, Tyumen.",
    ),
    FaqEntry(
        "price-en",
        "en",
        "Seminars",
        "How much does it cost?",
        (),
        "Taking part is free for non-profit organisations.",
    ),
    FaqEntry(
        "certificate-en",
        "en",
        "Seminars",
        "Is there a certificate?",
        (),
        "Yes, every participant gets a personal certificate at the end.",
    ),
]


def test_english_in_other_words_is_answered_by_meaning() -> None:
    words_only = FaqIndex(ENGLISH)
    with_meaning = FaqIndex(ENGLISH, None, None, shared_sentence_vectors())
    for text in ("what's the fee?", "what is the entrance fee"):
        assert words_only.lookup(text, "en").answers == [], text
        assert [m.entry_id for m in with_meaning.lookup(text, "en").answers] == ["price-en"]
    assert [m.entry_id for m in with_meaning.lookup("is there a charge?", "en").suggestions] == [
        "price-en"
    ]
    for text in ("what's the weather like in Tyumen tomorrow?", "what is your name?", "thanks!"):
        assert with_meaning.lookup(text, "en") == words_only.lookup("", "en"), text
