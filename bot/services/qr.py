"""QR code images (PNG) for tickets and door codes."""

from __future__ import annotations

import io

import segno

# Large modules and the standard quiet zone: a phone camera reads it off a dim screen.
_SCALE = 10
_BORDER = 4


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=_SCALE, border=_BORDER)
    return buffer.getvalue()
