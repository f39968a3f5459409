"""Deep-link payloads of tickets and door codes: minting tokens and reading them back.

Telegram allows `[A-Za-z0-9_-]` and at most 64 characters in a `start` payload. A token
is 16 URL-safe characters from `secrets` (96 bits), so it can neither be guessed nor
derived from anything the participant or organiser can see.
"""

from __future__ import annotations

import re
import secrets

TICKET_PREFIX = "t_"
DOOR_PREFIX = "d_"
_TOKEN_BYTES = 12  # 96 bits, 16 characters
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16}")
# Short codes typed by hand: no 0/O, 1/I/L look-alikes.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE_RE = re.compile(rf"[{_CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def token_from(payload: str, prefix: str) -> str | None:
    """The token of a `t_…`/`d_…` payload, or None for anything forged or truncated."""
    if not payload.startswith(prefix):
        return None
    token = payload[len(prefix) :]
    return token if _TOKEN_RE.fullmatch(token) else None


def as_code(text: str) -> str | None:
    """Typed text that is a ticket code (any case, spaces ignored), normalised."""
    code = "".join(text.split()).upper()
    return code if _CODE_RE.fullmatch(code) else None


def start_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"
