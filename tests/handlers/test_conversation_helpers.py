"""Small pieces of the conversation fixes: command typos, stale sections, full names."""

from __future__ import annotations

import pytest

from bot.services.profile import TextProblem, check_full_name, check_organisation
from handlers.fallback import closest_command
from handlers.stale import section_of


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
        ("sem:cancel_yes:abc", "seminars"),
        ("sems:-1", "seminars"),
        ("faq:entry:0123", "faq"),
        ("rem:drop:5", "my"),
        ("prof:agree", "seminars"),  # «Согласен ✅» after /cancel: registration, not /my
        ("prof:decline", "seminars"),
        ("prof:edit", "my"),
        ("menu:my", "my"),
        ("menu:bogus", None),
        ("adm_new:publish", None),
        ("", None),
        (None, None),
    ],
)
def test_section_of_a_stale_button(data: str | None, section: str | None) -> None:
    assert section_of(data) == section


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
