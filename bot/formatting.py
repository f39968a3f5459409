"""Rendering times and small pieces of text for people, in their language and TIMEZONE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.i18n import Html, Tr

# Zones people in Russia name by a city: the locale key `zone.names.<name>` says it the
# way they do («по тюменскому времени»). Any other zone is named by its offset alone.
_NAMED_ZONES = {
    "Europe/Kaliningrad": "kaliningrad",
    "Europe/Moscow": "moscow",
    "Europe/Samara": "samara",
    "Asia/Yekaterinburg": "tyumen",
    "Asia/Omsk": "omsk",
    "Asia/Novosibirsk": "novosibirsk",
    "Asia/Krasnoyarsk": "krasnoyarsk",
    "Asia/Irkutsk": "irkutsk",
    "Asia/Yakutsk": "yakutsk",
    "Asia/Vladivostok": "vladivostok",
    "Asia/Magadan": "magadan",
    "Asia/Kamchatka": "kamchatka",
}


def format_datetime(moment: datetime, tz: tzinfo, tr: Tr) -> Html:
    """`25 сентября, чт, 15:00` / `25 September, Thu, 15:00`, in the configured zone.

    The year is added (`15 января 2027, пт, 10:00`) whenever it is not the current one.
    """
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    weekday = tr.items("date.weekdays")[local.weekday()]
    key = (
        "date.format" if local.year == datetime.now(UTC).astimezone(tz).year else "date.format_full"
    )
    return tr(
        key,
        day=local.day,
        month=month,
        year=local.year,
        weekday=weekday,
        time=f"{local:%H:%M}",
    )


def format_date_with_year(moment: datetime, tz: tzinfo, tr: Tr) -> Html:
    local = moment.astimezone(tz)
    month = tr.items("date.months")[local.month - 1]
    return tr("date.format_year", day=local.day, month=month, year=local.year)


def format_decimal(value: float, tr: Tr, digits: int = 1) -> str:
    """`4,5` in Russian, `4.5` in English."""
    return f"{value:.{digits}f}".replace(".", tr("date.decimal_point"))


def _offset_text(offset: timedelta, base: str) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return base
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{base}{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_phrase(tz: tzinfo, tr: Tr, moment: datetime | None = None) -> Html:
    """Which time a time is: «по тюменскому времени (МСК+2)» / "Tyumen time (UTC+5)".

    The offset is the one in force at `moment` (now by default), so zones with summer
    time are named correctly for the date in question.
    """
    at = (moment or datetime.now(UTC)).astimezone(tz)
    offset = at.utcoffset() or timedelta()
    # Russian counts from Moscow (МСК+2), English from UTC (UTC+5): the locale says which.
    base_hours = timedelta(hours=int(tr("zone.base_hours")))
    relative = _offset_text(offset - base_hours, tr("zone.base"))
    name = _NAMED_ZONES.get(getattr(tz, "key", ""))
    if name is not None:
        return tr("zone.named", name=tr(f"zone.names.{name}"), offset=relative)
    return tr("zone.unnamed", offset=relative)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a handler needs to render a reply: the reader's language, TIMEZONE, the moment."""

    tr: Tr
    tz: ZoneInfo
    now: datetime
    free_of_charge: bool  # FREE_OF_CHARGE: cards say «Участие бесплатное»

    def when(self, moment: datetime) -> Html:
        return format_datetime(moment, self.tz, self.tr)

    def zone(self, moment: datetime | None = None) -> Html:
        """Which time the times are: «по тюменскому времени (МСК+2)»."""
        return zone_phrase(self.tz, self.tr, moment)
