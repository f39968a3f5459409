"""Reading back the QR codes the bot sends, as a phone camera would."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in the image."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"expected one QR code, found {len(found)}"
    return str(found[0].text)
