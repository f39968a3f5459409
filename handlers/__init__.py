"""All routers in the order the dispatcher must try them.

The first router whose filters match wins, so: errors first (it only sees errors),
then the admin guard (refuses admin commands before any admin router could match),
then feature routers, with deep links (`/start seminar_<id>`) before plain /start,
then the FAQ router, whose catch-all treats any plain private text outside a dialog as a
question, and the fallback last, because it takes any command and any button.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin_export,
    admin_guard,
    admin_seminars,
    admin_stats,
    broadcast,
    common,
    errors,
    fallback,
    faq,
    faq_learning,
    my,
    privacy,
    profile,
    questions,
    reminders,
    seminars,
)


def get_routers() -> list[Router]:
    """Fresh routers each call, so tests can build several apps in one process."""
    return [
        errors.create_router(),
        admin_guard.create_router(),
        # Admin dialogs' state text handlers must win over the FAQ catch-all.
        admin_seminars.create_router(),
        seminars.create_router(),
        profile.create_router(),
        my.create_router(),
        privacy.create_router(),
        common.create_router(),
        reminders.create_router(),
        broadcast.create_router(),
        admin_export.create_router(),
        admin_stats.create_router(),
        questions.create_router(),
        faq_learning.create_router(),
        faq.create_router(),
        fallback.create_router(),
    ]
