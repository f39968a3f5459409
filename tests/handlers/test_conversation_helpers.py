"""Small pieces of the conversation fixes: command typos, stale sections, full names."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from aiogram.filters.callback_data import CallbackData

import handlers
from bot.i18n import LANGUAGES, Translator
from bot.services.profile import TextProblem, check_full_name, check_organisation
from handlers.fallback import closest_command
from handlers.sections import MENU_ACTIONS, REOPENABLE, Section, section_of


@pytest.mark.parametrize(
    ("typed", "is_admin", "expected"),
    [
        ("/semnars", False, "seminars"),
        ("/seminar", False, "seminars"),
        ("/hlep", False, "help"),
        ("/forgetme", False, "forget_me"),
        ("/exprt 5", True, "export"),
        ("/exprt 5", False, None),  # participants are never pointed at admin commands
        ("/xyzzy", False, None),
        ("/semnars@seminar_test_bot", False, "seminars"),
        ("/семинары", False, "seminars"),
        ("/Семинар", False, "seminars"),
        ("/мои_записи", False, "my"),
        ("/помощь", False, "help"),
        ("/ыуьштфкы", False, "seminars"),
        ("/абырвалг", False, None),
    ],
)
def test_closest_command(typed: str, is_admin: bool, expected: str | None) -> None:
    assert closest_command(typed, is_admin) == expected


@pytest.mark.parametrize(
    ("data", "section"),
    [
        ("sem:cancel_yes:abc", Section("seminars")),
        ("sems:-1", Section("seminars")),
        ("faq:entry:0123", Section("faq")),
        ("rem:drop:5", Section("my")),
        ("prof:agree", Section("seminars")),  # «Согласен ✅» after /cancel: registration
        ("prof:decline", Section("seminars")),
        ("prof:edit", Section("my")),
        ("menu:my", Section("my")),
        ("menu:bogus", None),
        ("adm_new:publish", Section("new_seminar", for_organisers=True)),
        ("adm_bcc:send", Section("broadcast", for_organisers=True)),
        ("adm_bres:certificates:3", Section("certificates", for_organisers=True)),
        ("adm_bres:materials:3", Section("materials", for_organisers=True)),
        ("qans:5", Section("questions", for_organisers=True)),
        ("open:broadcast", Section("broadcast", for_organisers=True)),
        ("open:rm_rf", None),
        ("profx:1", None),  # a prefix that merely starts like a real one is forged
        ("zzz:garbage", None),
        ("", None),
        (None, None),
    ],
)
def test_section_of_a_stale_button(data: str | None, section: Section | None) -> None:
    assert section_of(data) == section


def _callback_data_classes() -> list[type[CallbackData]]:
    for module in pkgutil.walk_packages(handlers.__path__, "handlers."):
        importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("handlers.")]


def test_every_button_prefix_has_a_section() -> None:
    """A new kind of button without a section would go stale with no way back."""
    classes = _callback_data_classes()
    assert len(classes) > 40
    missing = []
    for cls in classes:
        prefix = cls.__prefix__
        if prefix == "menu":
            samples = [f"menu:{action}" for action in MENU_ACTIONS]
        elif prefix == "open":
            samples = [f"open:{command}" for command in REOPENABLE]
        elif prefix == "adm_bres":
            samples = ["adm_bres:certificates:1", "adm_bres:materials:1"]
        else:
            samples = [f"{prefix}:1"]
        missing += [sample for sample in samples if section_of(sample) is None]
    assert missing == []


def test_every_section_has_a_name_in_both_languages() -> None:
    translator = Translator.load()
    for lang in LANGUAGES:
        for action in MENU_ACTIONS:
            assert f"menu.{action}" in translator.catalogues[lang]
        for command in REOPENABLE:
            assert f"commands.{command}" in translator.catalogues[lang]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("а зачем вам отчество?", TextProblem.QUESTION),
        ("Зачем отчество", TextProblem.QUESTION),
        ("Иванова?", TextProblem.QUESTION),
        ("Анна", TextProblem.ONE_WORD),
        ("/cancel", TextProblem.COMMAND),
        ("🎉🎉", TextProblem.NO_LETTERS),
        ("ТОС «Заречный»", TextProblem.NOT_A_NAME),
        ('АНО "Добро"', TextProblem.NOT_A_NAME),
        ("Фонд Добрые соседи", TextProblem.NOT_A_NAME),
    ],
)
def test_full_name_refused(text: str, problem: TextProblem) -> None:
    assert check_full_name(text).problem is problem


@pytest.mark.parametrize(
    "text",
    [
        "Анна Смирнова",
        "Иванова  Мария Петровна",
        "А. Б. Иванова",
        "Jean-Luc Picard",
        '=HYPERLINK("http://evil", "x")',  # refused only by the export's neutralising
    ],
)
def test_full_name_accepted(text: str) -> None:
    assert check_full_name(text).value == " ".join(text.split())


@pytest.mark.parametrize("text", ["мой телефон", "+7 912 345-67-89", "89123456789", "номер"])
def test_organisation_refused(text: str) -> None:
    assert check_organisation(text).problem is TextProblem.NOT_AN_ORGANISATION


@pytest.mark.parametrize("text", ["АНО «Добро»", "ТОС «Заречный»", "частное лицо", "ООО 2ГИС"])
def test_organisation_accepted(text: str) -> None:
    assert check_organisation(text).value == text
