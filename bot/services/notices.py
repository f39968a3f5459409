"""Personal notices queued in the outbox: an i18n key and its arguments, rendered on sending.

A notice is queued inside the transaction that decides it (a seminar moved or cancelled,
a waitlisted user promoted), so a crash cannot keep the change and lose the notice;
it is rendered in each recipient's language only when it leaves (`NoticeDelivery`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from storage.models import Priority
from storage.repositories import Repositories

NOTICE_KIND = "notice"


def notice_payload(
    key: str,
    args: Mapping[str, str | int],
    times: Mapping[str, datetime] | None = None,
    *,
    zone_at: datetime | None = None,
    seminar_id: int | None = None,
    calendar: bool = False,
) -> dict[str, Any]:
    """`times` are shown in TIMEZONE in the recipient's language, `args` as they are, and
    `{zone}` names the zone in force at `zone_at`. With `seminar_id` the notice carries
    that seminar's buttons; with `calendar` too, it is the caption of a fresh .ics."""
    return {
        "key": key,
        "args": dict(args),
        "times": {name: moment.isoformat() for name, moment in (times or {}).items()},
        "zone_at": zone_at.isoformat() if zone_at else None,
        "seminar_id": seminar_id,
        "calendar": calendar,
    }


async def enqueue_notice(
    repos: Repositories,
    ref: str,
    user_ids: Iterable[int],
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Queue one notice per user (call inside the deciding transaction); `ref` names the event."""
    return await repos.outbox.enqueue(NOTICE_KIND, ref, Priority.PERSONAL, user_ids, now, payload)
