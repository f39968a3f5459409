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
from bot.services.certificate_pdf import render_certificate
from bot.services.certificates import certificate_text
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
        certificate_text(
            tr,
            full_name=NAME,
            title=TITLE,
            programme=False,
            dates=format_date_with_year(when, ZoneInfo("Asia/Yekaterinburg"), tr),
            minutes=180,
            issuer=DEFAULT_ISSUER,
            number=NUMBER,
            bot_username="seminar_bot",
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
