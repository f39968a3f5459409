"""`python -m bot report --from 2026-09-01 --to 2026-12-31 --out DIR`: the funders' report
written to files, for whoever runs the server."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path

from bot.clock import utc_now
from bot.i18n import Translator
from bot.services.report import (
    NARRATIVE_LANGUAGE,
    ReportFiles,
    ReportService,
    report_heading,
)
from bot.services.report_period import Period, parse_date
from bot.settings import ReportSettings
from storage.database import Database


def _day(text: str) -> date:
    day = parse_date(text.strip())
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (31.12.2026 or 2026-12-31)")
    return day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot report", description="The programme report for funders."
    )
    parser.add_argument("--from", dest="first", type=_day, required=True)
    parser.add_argument("--to", dest="last", type=_day, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for the two files")
    return parser


async def _build(settings: ReportSettings, period: Period) -> ReportFiles | None:
    db = Database(settings.database_path)
    await db.connect()
    try:
        service = ReportService(
            db, Translator.load(), settings.timezone, utc_now, report_heading(settings)
        )
        return await service.build(period, NARRATIVE_LANGUAGE)
    finally:
        await db.close()


def _write(files: ReportFiles, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / files.xlsx_name, out / files.docx_name]
    written[0].write_bytes(files.xlsx)
    written[1].write_bytes(files.docx)
    return written


def run_report(settings: ReportSettings, argv: list[str]) -> int:
    """Exit status: 0 written, 1 no seminars in the period, 2 bad arguments."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.last < args.first:
        parser.error("--to must not be before --from")
    period = Period(args.first, args.last)
    files = asyncio.run(_build(settings, period))
    if files is None:
        print(f"no seminars from {period.first} to {period.last}: no report written")
        return 1
    for path in _write(files, args.out):
        print(path)
    return 0
