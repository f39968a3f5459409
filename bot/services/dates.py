"""Dates and times as organisers type them: a small grammar, in the configured zone.

Accepted (the time may be `10:00` or `10.00`, a comma or «в» may stand before it):
  `15.01.2027 10:00`, `15.01.27 10:00`, `15/01/2027 10:00`, `2027-01-15 10:00`,
  `15 января 10:00`, `15 января 2027 в 10:00`, `15 января 2027 г. 10:00`, `15 Jan 10:00`.
Without a year the next occurrence of that day and time is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
_BEFORE_TIME = r"(?:\s*,\s*|\s+)(?:(?:в|at)\s+)?"
_NUMERIC = re.compile(
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})" + _BEFORE_TIME + _TIME
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[\sT]+|" + _BEFORE_TIME + ")" + _TIME
)
_WORDS = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month_name>[^\W\d_]+)\.?"
    r"(?:\s+(?P<year>\d{4})(?:\s*(?:г\.?|года?))?)?" + _BEFORE_TIME + _TIME
)
# Month names by their beginning, Russian in any case form and English.
_MONTH_STEMS = (
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TypedMoment:
    """What was typed, before it is checked to be a real moment."""

    day: int
    month: int
    year: int | None  # None: not typed, the next occurrence is meant
    hour: int
    minute: int


def _month(name: str) -> int | None:
    word = name.casefold()
    if len(word) < 3:
        return None
    return next((number for stem, number in _MONTH_STEMS if word.startswith(stem)), None)


def read_moment(text: str) -> TypedMoment | None:
    """The parts of a date and time in any accepted form; None when it is none of them."""
    raw = " ".join(text.split())
    month: int | None
    if match := _NUMERIC.fullmatch(raw) or _ISO.fullmatch(raw):
        month = int(match["month"])
    elif match := _WORDS.fullmatch(raw):
        month = _month(match["month_name"])
        if month is None:
            return None
    else:
        return None
    year = match["year"]
    return TypedMoment(
        day=int(match["day"]),
        month=month,
        year=None if year is None else (2000 + int(year) if len(year) == 2 else int(year)),
        hour=int(match["hour"]),
        minute=int(match["minute"]),
    )


def local_moment(typed: TypedMoment, tz: tzinfo, now: datetime) -> datetime:
    """The moment in `tz` (raises ValueError for a date or time that does not exist).

    Without a typed year: this year's date if it is still ahead, else next year's.
    """
    if typed.year is not None:
        return datetime(typed.year, typed.month, typed.day, typed.hour, typed.minute, tzinfo=tz)
    this_year = now.astimezone(tz).year
    # Four years reach the next 29 February; a day that never exists fails in every one.
    for year in range(this_year, this_year + 5):
        try:
            moment = datetime(year, typed.month, typed.day, typed.hour, typed.minute, tzinfo=tz)
        except ValueError:
            continue
        if moment.astimezone(UTC) > now:
            return moment
    raise ValueError(f"no {typed.day:02d}.{typed.month:02d} {typed.hour}:{typed.minute:02d} ahead")
