"""Render the first page of a sample report's XLSX and DOCX to PNG:
`python -m tests.report_pictures OUT_DIR` (LibreOffice headless converts to PDF, then
pdftoppm). `make report-pictures` installs both from Debian when missing and writes
docs/report-xlsx.png and docs/report-docx.png; `make test` never runs it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.services.report import ReportFiles, ReportService
from bot.services.report_model import ReportHeading
from bot.services.report_period import Period
from storage.database import Database
from tests.report_seed import seed_report_story

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Yekaterinburg")
RESOLUTION = 70
HEADING = ReportHeading(
    organisation="Альянс социально ориентированных НКО Тюменской области",
    project="Школа социального предпринимательства",
    grant_agreement="№ 26-1-000000 от 01.03.2026",
)


async def sample(folder: Path) -> ReportFiles:
    db = Database(folder / "sample.sqlite3")
    await db.connect()
    try:
        story = await seed_report_story(db, NOW)
        period = Period(story.first_day.astimezone(TZ).date(), story.last_day.astimezone(TZ).date())
        service = ReportService(db, Translator.load(), TZ, lambda: NOW, HEADING)
        files = await service.build(period, "ru")
    finally:
        await db.close()
    assert files is not None
    return files


def first_page_png(document: Path, out: Path, folder: Path) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = folder / f"{document.stem}.pdf"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
        timeout=120,
    )


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = asyncio.run(sample(folder))
        for kind, content in (("xlsx", files.xlsx), ("docx", files.docx)):
            document = folder / f"report.{kind}"
            document.write_bytes(content)
            first_page_png(document, out_dir / f"report-{kind}", folder)
            print(out_dir / f"report-{kind}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
