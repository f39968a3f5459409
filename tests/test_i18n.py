"""i18n: both catalogues complete, Russian plurals, escaping of arguments."""

from __future__ import annotations

import re

import pytest

from bot.commands import ADMIN_ONLY_COMMANDS, CHECKIN_COMMANDS
from bot.i18n import LANGUAGES, Html, Translator, pick_language, plural_form


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator.load()


def test_every_key_exists_in_both_languages(translator: Translator) -> None:
    ru, en = translator.catalogues["ru"], translator.catalogues["en"]
    assert set(ru) - set(en) == set(), "missing in English"
    assert set(en) - set(ru) == set(), "missing in Russian"


def test_placeholders_match_between_languages(translator: Translator) -> None:
    def fields(message: object) -> set[str]:
        texts = message.values() if isinstance(message, dict) else [message]
        return {f for text in texts if isinstance(text, str) for f in re.findall(r"{(\w+)", text)}

    ru, en = translator.catalogues["ru"], translator.catalogues["en"]
    for key in ru:
        assert fields(ru[key]) == fields(en[key]), key


def test_plural_kinds_match(translator: Translator) -> None:
    ru, en = translator.catalogues["ru"], translator.catalogues["en"]
    for key, message in ru.items():
        if isinstance(message, dict):
            assert {"one", "few", "many"} <= set(message), key
            assert isinstance(en[key], dict) and {"one", "other"} <= set(en[key]), key


@pytest.mark.parametrize(
    ("count", "form"),
    [
        (1, "one"),
        (2, "few"),
        (4, "few"),
        (5, "many"),
        (11, "many"),
        (12, "many"),
        (21, "one"),
        (22, "few"),
        (25, "many"),
        (101, "one"),
        (111, "many"),
        (0, "many"),
    ],
)
def test_russian_plural_forms(count: int, form: str) -> None:
    assert plural_form("ru", count) == form


def test_english_plural_forms() -> None:
    assert plural_form("en", 1) == "one"
    assert plural_form("en", 2) == "other"


def test_arguments_are_escaped() -> None:
    translator = Translator({"ru": {"k": "<b>{name}</b>"}, "en": {}})
    assert translator.text("ru", "k", name="<i>&") == "<b>&lt;i&gt;&amp;</b>"
    assert translator.text("ru", "k", name=Html("<i>x</i>")) == "<b><i>x</i></b>"


def test_plural_message_is_chosen_by_count() -> None:
    translator = Translator(
        {
            "ru": {
                "seats": {"one": "{count} место", "few": "{count} места", "many": "{count} мест"}
            },
            "en": {"seats": {"one": "{count} seat", "other": "{count} seats"}},
        }
    )
    assert [translator.text("ru", "seats", count=n) for n in (1, 2, 5)] == [
        "1 место",
        "2 места",
        "5 мест",
    ]
    assert translator.text("en", "seats", count=3) == "3 seats"


@pytest.mark.parametrize(
    ("chosen", "code", "expected"),
    [
        (None, "en-US", "en"),
        (None, "ru", "ru"),
        (None, None, "ru"),
        (None, "de", "ru"),
        ("ru", "en", "ru"),
        ("en", "ru", "en"),
    ],
)
def test_pick_language(chosen: str | None, code: str | None, expected: str) -> None:
    assert pick_language(chosen, code) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_admin_greeting_names_every_admin_command(translator: Translator, lang: str) -> None:
    """An organiser who follows the bot, not the guide, finds every job."""
    hint = translator.text(lang, "start.admin_hint")
    named = set(re.findall(r"/(\w+)", hint))
    assert named == set(ADMIN_ONLY_COMMANDS) | set(CHECKIN_COMMANDS)
