"""Report periods: the preset buttons and typed ranges, as local dates in TIMEZONE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

_DATE = r"(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2})"
_RANGE = re.compile(rf"^\s*{_DATE}\s*(?:[-–—]|\.\.|\s)\s*{_DATE}\s*$")
# No programme report spans more than a few years; this also keeps dates in range.
MAX_SPAN_DAYS = 366 * 10


class Preset(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"
    ALL_TIME = "all_time"


@dataclass(frozen=True, slots=True)
class Period:
    """Both days included, in TIMEZONE."""

    first: date
    last: date

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from the first day's midnight to the midnight after the last."""
        start = datetime.combine(self.first, time(), tz).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), tz).astimezone(UTC)
        return start, end


def preset_period(preset: Preset, today: date, seminars: Period | None) -> Period:
    """`seminars`: the days of the first and the last seminar ever, for all time."""
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    if preset is Preset.THIS_MONTH:
        return Period(month_start, next_month - timedelta(days=1))
    if preset is Preset.LAST_MONTH:
        last_month_end = month_start - timedelta(days=1)
        return Period(last_month_end.replace(day=1), last_month_end)
    if preset is Preset.THIS_QUARTER:
        quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
        return Period(quarter_start, quarter_end)
    if preset is Preset.THIS_YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    if seminars is None:
        return Period(today, today)
    return Period(min(seminars.first, today), max(seminars.last, today))


def parse_date(text: str) -> date | None:
    """`31.12.2026` (as the bot takes it) or ISO `2026-12-31`; None if neither."""
    try:
        if "." in text:
            day, month, year = (int(part) for part in text.split("."))
            return date(year, month, day)
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def parse_range(text: str) -> Period | None:
    """`01.09.2026–31.12.2026`, with a hyphen, `..` or a space too, or ISO dates; None if not."""
    match = _RANGE.match(text)
    if match is None:
        return None
    first, last = parse_date(match.group(1)), parse_date(match.group(2))
    if first is None or last is None or last < first:
        return None
    if (last - first).days > MAX_SPAN_DAYS:
        return None
    return Period(first, last)
