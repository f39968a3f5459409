"""/stats: users, seminars, registrations, questions and broadcasts in one message (admins)."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.clock import Clock
from bot.formatting import format_datetime, shorten
from bot.i18n import Html, Tr, join
from bot.services.stats import Stats, collect_stats, fill_percent
from bot.settings import Settings
from handlers.filters import IsAdmin
from storage.repositories import Repositories
from storage.repositories.stats import BroadcastSummary

# A Telegram message holds 4096 characters: the soonest seminars matter most, and long
# titles are cut.
FILL_LINES = 15
TITLE_LIMIT = 80


def format_duration(delta: timedelta, tr: Tr) -> Html:
    """`1 день 3 часа`, `2 ч`… in words with plurals; minutes only below a day."""
    minutes = round(delta.total_seconds() / 60)
    if minutes < 1:
        return tr("stats.duration.under_minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(tr("stats.duration.days", count=days))
    if hours:
        parts.append(tr("stats.duration.hours", count=hours))
    if minutes and not days:
        parts.append(tr("stats.duration.minutes", count=minutes))
    return join(" ", parts)


def _broadcast_line(item: BroadcastSummary, tr: Tr, settings: Settings) -> str:
    if item.audience == "all":
        audience = tr("stats.broadcasts.audience_all")
    else:
        audience = tr(
            f"stats.broadcasts.audience_{item.audience}",
            title=shorten(item.seminar_title or "", TITLE_LIMIT),
        )
    return tr(
        "stats.broadcasts.line",
        date=format_datetime(item.created_at, settings.timezone, tr),
        audience=audience,
        status=tr(f"stats.broadcasts.status_{item.status}"),
        recipients=tr("stats.broadcasts.recipients", count=item.recipients),
        delivered=item.delivered,
        blocked=item.blocked,
        failed=item.failed,
        pending=item.pending + item.stopped,
    )


def render_stats(stats: Stats, tr: Tr, settings: Settings) -> str:
    lines = [
        tr("stats.title"),
        "",
        tr(
            "stats.users",
            total=stats.users.total,
            active=stats.users.active,
            blocked=stats.users.blocked,
        ),
        "",
        tr(
            "stats.seminars",
            upcoming=stats.seminars.upcoming,
            past=stats.seminars.past,
            cancelled=stats.seminars.cancelled,
        ),
        "",
        tr(
            "stats.registrations",
            confirmed=stats.registrations.confirmed,
            waitlist=stats.registrations.waitlist,
            cancelled=stats.registrations.cancelled,
        ),
    ]
    if stats.upcoming_fill:
        lines.append(tr("stats.fill.title"))
        for fill in stats.upcoming_fill[:FILL_LINES]:
            lines.append(
                tr(
                    "stats.fill.line",
                    date=format_datetime(fill.starts_at, settings.timezone, tr),
                    title=shorten(fill.title, TITLE_LIMIT),
                    seats=tr("stats.fill.seats", count=fill.capacity, taken=fill.confirmed),
                    percent=fill_percent(fill),
                    waitlist=tr("stats.fill.waitlist", count=fill.waitlist)
                    if fill.waitlist
                    else "",
                )
            )
        hidden = len(stats.upcoming_fill) - FILL_LINES
        if hidden > 0:
            lines.append(tr("stats.fill.more", count=hidden))
    median = (
        format_duration(stats.median_answer_time, tr)
        if stats.median_answer_time is not None
        else tr("stats.questions.no_median")
    )
    lines += [
        "",
        tr(
            "stats.questions.summary",
            open=stats.questions.open,
            answered=stats.questions.answered,
            median=median,
        ),
        "",
        tr("stats.broadcasts.title"),
    ]
    if stats.broadcasts:
        lines += [_broadcast_line(item, tr, settings) for item in stats.broadcasts]
    else:
        lines.append(tr("stats.broadcasts.none"))
    return "\n".join(lines)


async def stats_command(
    message: Message, tr: Tr, repos: Repositories, settings: Settings, clock: Clock
) -> None:
    stats = await collect_stats(repos, clock())
    await message.answer(render_stats(stats, tr, settings))


def create_router() -> Router:
    """Behind IsAdmin, beside the guard that refuses non-admins."""
    router = Router(name="admin_stats")
    router.message.filter(IsAdmin())
    router.message.register(stats_command, Command("stats"))
    return router
