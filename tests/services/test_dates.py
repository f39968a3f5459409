"""The date grammar of /new_seminar and /edit_seminar: the forms organisers type."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.dates import TypedMoment, local_moment, read_moment
from bot.services.seminar_admin import Invalid, parse_start

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 15:00 in Tyumen


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.01.2027 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("15.01.2027 10.00", TypedMoment(15, 1, 2027, 10, 0)),
        ("15.01.27 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("15/01/2027, 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("2027-01-15 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("15 января 10:00", TypedMoment(15, 1, None, 10, 0)),
        ("15 января 2027 в 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("15 января 2027 г. 10:00", TypedMoment(15, 1, 2027, 10, 0)),
        ("  3   Мая,  9.30 ", TypedMoment(3, 5, None, 9, 30)),
        ("1 март 18:00", TypedMoment(1, 3, None, 18, 0)),
        ("15 Jan 2027 at 10:00", TypedMoment(15, 1, 2027, 10, 0)),
    ],
)
def test_accepted_forms(text: str, expected: TypedMoment) -> None:
    assert read_moment(text) == expected


@pytest.mark.parametrize(
    "text", ["", "завтра в 10", "15 01 2027 10:00", "15 ма 10:00", "15 foo 10:00", "15.01.2027"]
)
def test_other_text_is_not_a_date(text: str) -> None:
    assert read_moment(text) is None


def test_without_a_year_the_next_occurrence_is_meant() -> None:
    later_this_year = local_moment(TypedMoment(20, 12, None, 10, 0), TZ, NOW)
    assert later_this_year == datetime(2026, 12, 20, 10, 0, tzinfo=TZ)
    next_year = local_moment(TypedMoment(15, 1, None, 10, 0), TZ, NOW)
    assert next_year == datetime(2027, 1, 15, 10, 0, tzinfo=TZ)
    # Today, but the hour has passed: a year ahead.
    assert local_moment(TypedMoment(30, 11, None, 14, 0), TZ, NOW).year == 2027
    # 29 February without a year: the next leap year that is still ahead.
    assert local_moment(TypedMoment(29, 2, None, 10, 0), TZ, NOW) == datetime(
        2028, 2, 29, 10, 0, tzinfo=TZ
    )


def test_parse_start_checks_the_moment() -> None:
    assert parse_start("15 января 10:00", TZ, NOW) == datetime(2027, 1, 15, 5, 0, tzinfo=UTC)
    assert parse_start("15.01.27 10.00", TZ, NOW) == datetime(2027, 1, 15, 5, 0, tzinfo=UTC)
    assert parse_start("31.02.2027 10:00", TZ, NOW) == Invalid(
        "date_not_real", {"value": "31.02.2027 10:00"}
    )
    assert parse_start("15.01.2027 25:00", TZ, NOW) == Invalid(
        "date_not_real", {"value": "15.01.2027 25:00"}
    )
    assert isinstance(parse_start("01.01.2026 10:00", TZ, NOW), Invalid)
    assert parse_start("когда-нибудь", TZ, NOW) == Invalid("date_format")
