"""Render a sample certificate to PNG with pdftoppm: `python -m tests.certificate_picture OUT`.

`make certificate-picture` writes docs/certificate.png with it; the certificate test renders
the same sample into a temporary folder. The sample has a long hyphenated three-part name
and a long title with « », — and ё, the cases the layout must survive.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.formatting import format_date_with_year
from bot.i18n import Translator
from bot.services.certificate_pdf import CertificateText, render_certificate
from bot.services.certificates import format_hours
from bot.settings import DEFAULT_ISSUER

NAME = "Константинопольская-Щербакова Александра-Мария Вячеславовна"
TITLE = (
    "Социальное предпринимательство — от идеи до устойчивой модели: ёмкие практики, "
    "финансирование и отчётность для НКО Тюменской области"
)
NUMBER = "SE-7KQ4M2XP"


def sample_pdf() -> bytes:
    tr = Translator.load().for_language("ru")
    when = datetime(2026, 9, 25, 10, 0, tzinfo=UTC)
    return render_certificate(
        CertificateText(
            heading=tr("certificates.pdf.heading"),
            lead=tr("certificates.pdf.lead"),
            full_name=NAME,
            completed=tr("certificates.pdf.completed"),
            title=f"«{TITLE}»",
            details=tr(
                "certificates.pdf.details",
                date=format_date_with_year(when, ZoneInfo("Asia/Yekaterinburg"), tr),
                hours=format_hours(180, tr),
            ),
            issuer_label=tr("certificates.pdf.issuer"),
            issuer=DEFAULT_ISSUER,
            number_label=tr("certificates.pdf.number"),
            number=NUMBER,
            verify_label=tr("certificates.pdf.verify"),
            verify_url=f"https://t.me/seminar_bot?start=v_{NUMBER}",
        )
    )


def render_png(out: Path) -> Path:
    """`out` without the extension; returns the PNG's path."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "-", str(out)],
        input=sample_pdf(),
        check=True,
    )
    return out.with_suffix(".png")


if __name__ == "__main__":
    print(render_png(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/certificate")))
