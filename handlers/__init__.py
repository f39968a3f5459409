"""All routers in the order the dispatcher must try them.

The first router whose filters match wins, so: errors first (it only sees errors),
then the admin guard (refuses admin commands before any admin router could match),
then the private guard (refuses personal-data screens in groups),
then feature routers, with deep links (`/start seminar_<id>`, tickets `t_…`, door
codes `d_…` and certificate numbers `v_…`) before plain /start,
then the FAQ router, whose catch-all treats any plain private text outside a dialog as a
question, and the fallback last, because it takes any command and any button.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin_export,
    admin_guard,
    admin_report,
    admin_seminars,
    admin_stats,
    batch_report,
    broadcast,
    certificates,
    checkin,
    common,
    errors,
    fallback,
    faq,
    faq_learning,
    feedback,
    materials,
    my,
    online,
    privacy,
    private_guard,
    profile,
    programmes,
    questions,
    reminders,
    seminars,
    tickets,
)


def get_routers() -> list[Router]:
    """Fresh routers each call, so tests can build several apps in one process."""
    return [
        errors.create_router(),
        admin_guard.create_router(),
        private_guard.create_router(),
        # Admin dialogs' state text handlers must win over the FAQ catch-all.
        admin_seminars.create_router(),
        programmes.create_router(),
        materials.create_router(),
        admin_report.create_router(),
        checkin.create_router(),
        certificates.create_router(),
        batch_report.create_router(),
        seminars.create_router(),
        tickets.create_router(),
        online.create_router(),
        profile.create_router(),
        my.create_router(),
        privacy.create_router(),
        common.create_router(),
        reminders.create_router(),
        feedback.create_router(),
        broadcast.create_router(),
        admin_export.create_router(),
        admin_stats.create_router(),
        questions.create_router(),
        faq_learning.create_router(),
        faq.create_router(),
        fallback.create_router(),
    ]
