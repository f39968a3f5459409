"""Tests for loading and validating the FAQ YAML file, and for the bundled FAQ itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.services.faq_file import FaqEntry, FaqFileError, load_faq_file

BUNDLED_FAQ = Path(__file__).resolve().parents[2] / "bot" / "data" / "faq.yml"

CATEGORIES = {
    "Социальное предпринимательство и закон": "Social entrepreneurship and the law",
    "Статус и поддержка": "Status and support",
    "НКО и доходы": "NGOs and income",
    "Организаторы и семинары": "Organisers and seminars",
    "Как пользоваться ботом": "Using the bot",
}
# Categories whose answers state legal or organisational facts about support and status:
# each must send the reader to the organisers or the «Мой бизнес» centre / ЦИСС.
LEGAL_CATEGORIES = {"Социальное предпринимательство и закон", "Статус и поддержка", "НКО и доходы"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faq.yml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(FaqFileError) as info:
        load_faq_file(path)
    message = str(info.value)
    assert "\n" not in message, "the error must be one line"
    assert message.startswith(f"FAQ file {path}: ")
    return message


# --- valid files ---------------------------------------------------------------------


def test_loads_entries_in_file_order_with_all_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
- id: grants
  lang: ru
  category: Поддержка
  question: Какие есть гранты?
  aliases: [Гранты, "Как получить грант?"]
  answer: |
    До 500 000 рублей.
- id: grants-en
  lang: en
  category: Support
  question: What grants are there?
  answer: Up to 500,000 roubles.
""",
    )
    entries = load_faq_file(path)
    assert entries == [
        FaqEntry(
            id="grants",
            lang="ru",
            category="Поддержка",
            question="Какие есть гранты?",
            aliases=("Гранты", "Как получить грант?"),
            answer="До 500 000 рублей.",
        ),
        FaqEntry(
            id="grants-en",
            lang="en",
            category="Support",
            question="What grants are there?",
            aliases=(),
            answer="Up to 500,000 roubles.",
        ),
    ]


def test_defaults_lang_ru_and_category_by_language(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
- {id: a, question: "Вопрос?", answer: Ответ.}
- {id: b, lang: en, question: "Question?", answer: Answer., aliases: null}
""",
    )
    first, second = load_faq_file(path)
    assert (first.lang, first.category, first.aliases) == ("ru", "Общее", ())
    assert (second.lang, second.category, second.aliases) == ("en", "General", ())


def test_entry_is_frozen(tmp_path: Path) -> None:
    entry = load_faq_file(write(tmp_path, "- {id: a, question: q, answer: a}"))[0]
    with pytest.raises(AttributeError):
        entry.answer = "changed"  # type: ignore[misc]


# --- invalid files -------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(FaqFileError, match=r"nope\.yml: file not found$"):
        load_faq_file(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(FaqFileError, match="cannot read"):
        load_faq_file(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "faq.yml"
    path.write_bytes("- id: а".encode("cp1251"))
    with pytest.raises(FaqFileError, match="not valid UTF-8"):
        load_faq_file(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- id: a\n  question: [unclosed\n")
    assert "invalid YAML" in message
    assert re.search(r"line \d+, column \d+", message)


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in load_error(tmp_path, "# only a comment\n")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("id: a\nquestion: q\nanswer: a\n", "a mapping"), ("just text", "a string")],
)
def test_top_level_must_be_a_list(tmp_path: Path, text: str, kind: str) -> None:
    message = load_error(tmp_path, text)
    assert message.endswith(f"expected a list of entries at the top level, got {kind}")


def test_entry_must_be_a_mapping(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: a, question: q, answer: a}\n- just a string\n")
    assert message.endswith("entry #2: expected a mapping with id, question and answer")


def test_missing_answer_names_index_and_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
- {id: a, question: q, answer: a}
- {id: b, question: q, answer: a}
- {id: grants, question: "Какие есть гранты?"}
""",
    )
    with pytest.raises(FaqFileError) as info:
        load_faq_file(path)
    assert str(info.value) == f"FAQ file {path}: entry #3 (id 'grants'): missing 'answer'"


def test_missing_id(tmp_path: Path) -> None:
    assert load_error(tmp_path, "- {question: q, answer: a}").endswith("entry #1: missing 'id'")


@pytest.mark.parametrize("value", ["12", '""', "'  '", "[a]"])
def test_id_must_be_a_non_empty_string(tmp_path: Path, value: str) -> None:
    message = load_error(tmp_path, f"- {{id: {value}, question: q, answer: a}}")
    assert "entry #1: 'id' must be a non-empty string" in message


def test_missing_question(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, answer: a}")
    assert message.endswith("entry #1 (id 'x'): missing 'question'")


@pytest.mark.parametrize("key", ["question", "answer"])
def test_blank_text_is_refused(tmp_path: Path, key: str) -> None:
    other = "answer" if key == "question" else "question"
    message = load_error(tmp_path, f"- {{id: x, {key}: '   ', {other}: text}}")
    assert message.endswith(f"entry #1 (id 'x'): '{key}' is empty")


def test_question_must_be_text(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, question: 2024, answer: a}")
    assert message.endswith("'question' must be a string, got a number")


def test_an_answer_longer_than_one_message_is_refused(tmp_path: Path) -> None:
    fits = "- {id: x, question: q, answer: " + "а" * 3900 + "}"
    assert load_faq_file(write(tmp_path, fits))[0].answer == "а" * 3900
    message = load_error(tmp_path, "- {id: x, question: q, answer: " + "а" * 3901 + "}")
    assert message.endswith(
        "entry #1 (id 'x'): 'answer' is too long (3901 characters); "
        "at most 3900 fit in one Telegram message"
    )


def test_unknown_language(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, lang: de, question: q, answer: a}")
    assert message.endswith("entry #1 (id 'x'): 'lang' must be 'ru' or 'en', got 'de'")


def test_category_must_be_text(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, category: [a], question: q, answer: a}")
    assert message.endswith("'category' must be a string, got a list")


def test_aliases_must_be_a_list(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, aliases: один, question: q, answer: a}")
    assert message.endswith("'aliases' must be a list of strings, got a string")


def test_each_alias_must_be_text(tmp_path: Path) -> None:
    message = load_error(tmp_path, "- {id: x, aliases: [ok, 5], question: q, answer: a}")
    assert message.endswith("entry #1 (id 'x'): alias #2 must be a non-empty string")


def test_duplicate_id_names_both_entries(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        """
- {id: grants, question: q, answer: a}
- {id: other, question: q, answer: a}
- {id: grants, question: q2, answer: a2}
""",
    )
    assert message.endswith("entry #3 (id 'grants'): duplicate id, already used by entry #1")


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    # A misspelt key would otherwise silently drop content (here, the aliases).
    message = load_error(tmp_path, "- {id: x, question: q, answer: a, alias: [b]}")
    assert message.endswith("entry #1 (id 'x'): unknown key(s) 'alias'")


# --- the bundled FAQ -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> list[FaqEntry]:
    return load_faq_file(BUNDLED_FAQ)


def test_bundled_faq_has_enough_russian_entries_each_translated(bundled: list[FaqEntry]) -> None:
    russian = [e for e in bundled if e.lang == "ru"]
    english = {e.id: e for e in bundled if e.lang == "en"}
    assert len(russian) >= 28
    assert len(english) == len(russian)
    for entry in russian:
        translation = english.get(f"{entry.id}-en")
        assert translation is not None, f"{entry.id} has no English translation"
        assert translation.category == CATEGORIES[entry.category]


def test_bundled_faq_uses_the_five_categories(bundled: list[FaqEntry]) -> None:
    assert {e.category for e in bundled if e.lang == "ru"} == set(CATEGORIES)
    assert {e.category for e in bundled if e.lang == "en"} == set(CATEGORIES.values())


def test_bundled_faq_entries_are_well_formed(bundled: list[FaqEntry]) -> None:
    for entry in bundled:
        assert 3 <= len(entry.aliases) <= 6, entry.id
        # It fits a phone screen.
        assert len(entry.answer.strip()) <= 600, entry.id
        # Answers are plain text: the bot escapes them, so markup would show literally.
        assert not re.search(r"</?[a-z]+>|\*\*|__", entry.answer), entry.id


_MONTHS = (
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)


def test_bundled_faq_dates_carry_their_year(bundled: list[FaqEntry]) -> None:
    for entry in bundled:
        assert not re.search(rf"\b\d{{1,2}} ({_MONTHS})(?! \d{{4}})", entry.answer), entry.id
        assert not re.search(r"\b\d{2}\.\d{2}(?!\.\d{4})\b", entry.answer), entry.id


def test_bundled_faq_answers_cost_and_the_practical_questions(bundled: list[FaqEntry]) -> None:
    ids = {e.id for e in bundled}
    for topic in (
        "participation-cost",
        "what-to-bring",
        "online-participation",
        "certificates",
        "seminar-materials",
        "how-to-get-there",
        "whom-to-call",
    ):
        assert {topic, f"{topic}-en"} <= ids
    # No invented contacts: no phone numbers anywhere in the bundled answers.
    for entry in bundled:
        assert not re.search(r"\+7|8 ?\(?\d{3}", entry.answer), entry.id


def test_bundled_legal_answers_point_to_organisers_or_support_centre(
    bundled: list[FaqEntry],
) -> None:
    for entry in bundled:
        if entry.lang == "ru" and entry.category in LEGAL_CATEGORIES:
            assert "организатор" in entry.answer or "Мой бизнес" in entry.answer, entry.id
            assert (
                "уточн" in entry.answer
                or "спросите" in entry.answer
                or "обсудите" in (entry.answer)
            ), entry.id
