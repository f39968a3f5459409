"""Times as people in the region say them: the zone phrase and the year when it matters."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Translator

TRANSLATOR = Translator.load()
RU, EN = TRANSLATOR.for_language("ru"), TRANSLATOR.for_language("en")


@pytest.mark.parametrize(
    ("zone", "ru", "en"),
    [
        ("Asia/Yekaterinburg", "по тюменскому времени (МСК+2)", "Tyumen time (UTC+5)"),
        ("Europe/Moscow", "по московскому времени (МСК)", "Moscow time (UTC+3)"),
        ("Europe/Kaliningrad", "по калининградскому времени (МСК−1)", "Kaliningrad time (UTC+2)"),
        ("Asia/Kolkata", "по времени МСК+2:30", "UTC+5:30 time"),
    ],
)
def test_zone_phrase(zone: str, ru: str, en: str) -> None:
    assert zone_phrase(ZoneInfo(zone), RU) == ru
    assert zone_phrase(ZoneInfo(zone), EN) == en


def test_summer_time_is_named_for_the_date_in_question() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert zone_phrase(berlin, EN, datetime(2027, 1, 15, tzinfo=UTC)) == "UTC+1 time"
    assert zone_phrase(berlin, EN, datetime(2027, 7, 15, tzinfo=UTC)) == "UTC+2 time"


def test_year_shown_only_when_not_the_current_one() -> None:
    tz = ZoneInfo("Asia/Yekaterinburg")
    this_year = datetime.now(UTC).astimezone(tz).year
    now_text = format_datetime(datetime(this_year, 6, 1, 5, 0, tzinfo=UTC), tz, RU)
    assert now_text.startswith("1 июня, ") and str(this_year) not in now_text
    later = format_datetime(datetime(this_year + 1, 1, 15, 5, 0, tzinfo=UTC), tz, RU)
    assert later.startswith(f"15 января {this_year + 1}, ") and later.endswith("10:00")
    assert format_datetime(datetime(this_year + 1, 1, 15, 5, 0, tzinfo=UTC), tz, EN).startswith(
        f"15 January {this_year + 1}, "
    )
