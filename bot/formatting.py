"""Rendering times and small pieces of text for people, in their language and TIMEZONE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from bot.i18n import Html, Tr


def format_datetime(moment: datetime, tz: tzinfo, tr: Tr) -> Html:
    """`25 сентября, чт, 15:00` / `25 September, Thu, 15:00`, in the configured zone."""
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    weekday = tr.items("date.weekdays")[local.weekday()]
    return tr("date.format", day=local.day, month=month, weekday=weekday, time=f"{local:%H:%M}")


def format_date_with_year(moment: datetime, tz: tzinfo, tr: Tr) -> Html:
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    return tr("date.format_year", day=local.day, month=month, year=local.year)


def format_decimal(value: float, tr: Tr, digits: int = 1) -> str:
    """`4,5` in Russian, `4.5` in English."""
    return f"{value:.{digits}f}".replace(".", tr("date.decimal_point"))


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a handler needs to render a reply: the reader's language, TIMEZONE, the moment."""

    tr: Tr
    tz: ZoneInfo
    now: datetime

    def when(self, moment: datetime) -> Html:
        return format_datetime(moment, self.tz, self.tr)
