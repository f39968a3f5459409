"""Statuses of a delivery claimed in its own table right before it is sent.

Used by surveys, certificates and materials, which are not yet kinds of the outbox.
"""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"  # about to be sent; stays so if the process dies before `finish`
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the user is unreachable (blocked the bot, chat gone)
