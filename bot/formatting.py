"""Rendering times and small pieces of text for people, in their language and TIMEZONE."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.i18n import Tr


def format_datetime(moment: datetime, tz: tzinfo, tr: Tr) -> str:
    """`25 сентября, чт, 15:00` / `25 September, Thu, 15:00`, in the configured zone."""
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    weekday = tr.items("date.weekdays")[local.weekday()]
    return tr("date.format", day=local.day, month=month, weekday=weekday, time=f"{local:%H:%M}")


def format_date_with_year(moment: datetime, tz: tzinfo, tr: Tr) -> str:
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    return tr("date.format_year", day=local.day, month=month, year=local.year)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
