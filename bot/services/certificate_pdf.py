"""A certificate as a one-page PDF: A4 landscape, DejaVu Sans shipped with the bot, a QR.

Long names and titles first wrap (at most MAX_LINES lines), then shrink until they fit
their box, so nothing runs off the page. Every word comes from the caller, already in
the recipient's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FAMILY = "DejaVu"
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 14.0
TEXT_W = PAGE_W - 2 * 38.0
MAX_LINES = 2
QR_SIZE = 34.0
INK = (33, 53, 85)
ACCENT = (176, 137, 64)


@dataclass(frozen=True, slots=True)
class CertificateText:
    heading: str  # «СЕРТИФИКАТ»
    lead: str  # «Участник:», the name on its own line below
    full_name: str
    completed: str  # «в подтверждение прохождения обучения на семинаре» / programme
    title: str
    details: str  # dates and hours
    issuer_label: str
    issuer: str
    number_label: str
    number: str
    verify_label: str  # under the QR code
    verify_url: str
    verify_line: str  # the written instruction: the link and the number


def _fit(pdf: FPDF, text: str, width: float, largest: float, smallest: float) -> float:
    """The largest size (pt) at which `text` wraps into at most MAX_LINES lines."""
    size = largest
    while size > smallest:
        pdf.set_font_size(size)
        lines = pdf.multi_cell(width, size * 0.45, text, dry_run=True, output="LINES")
        if isinstance(lines, list) and len(lines) <= MAX_LINES:
            return size
        size -= 1
    return smallest


def _centred(
    pdf: FPDF, text: str, y: float, size: float, *, bold: bool = False, fit_from: float = 0
) -> float:
    """Write `text` centred from `y`; return the y below it."""
    pdf.set_font(FAMILY, "B" if bold else "", size)
    if fit_from:
        size = _fit(pdf, text, TEXT_W, fit_from, size)
        pdf.set_font_size(size)
    pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
    pdf.multi_cell(TEXT_W, size * 0.45, text, align="C")
    return pdf.get_y()


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.4)
    inner = MARGIN + 3
    pdf.rect(inner, inner, PAGE_W - 2 * inner, PAGE_H - 2 * inner)


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=x, y=y, w=QR_SIZE, h=QR_SIZE)


def render_certificate(text: CertificateText) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{text.heading} {text.number}")
    pdf.set_creator(text.issuer)
    pdf.add_page()
    _frame(pdf)

    pdf.set_text_color(*INK)
    y = _centred(pdf, text.heading, 32, 34, bold=True)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(PAGE_W / 2 - 30, y + 3, PAGE_W / 2 + 30, y + 3)
    y = _centred(pdf, text.lead, y + 9, 13)
    y = _centred(pdf, text.full_name, y + 5, 16, bold=True, fit_from=28)
    y = _centred(pdf, text.completed, y + 5, 13)
    y = _centred(pdf, text.title, y + 4, 12, bold=True, fit_from=20)
    _centred(pdf, text.details, y + 5, 12)

    bottom = PAGE_H - MARGIN - 10 - QR_SIZE
    left = MARGIN + 14
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_xy(left, bottom + 2)
    pdf.cell(150, 5, text.issuer_label)
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_xy(left, bottom + 8)
    pdf.multi_cell(160, 5.2, text.issuer, align="L")
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(left, PAGE_H - MARGIN - 18)
    pdf.cell(160, 5, f"{text.number_label} {text.number}")
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(left, PAGE_H - MARGIN - 13)
    pdf.cell(180, 4, text.verify_line)

    qr_x = PAGE_W - MARGIN - 14 - QR_SIZE
    _qr(pdf, text.verify_url, qr_x, bottom)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(qr_x - 20, bottom + QR_SIZE + 1)
    pdf.cell(QR_SIZE + 40, 4, text.verify_label, align="C")
    return bytes(pdf.output())
