"""The programme report for funders: numbers for a period, then an XLSX and a DOCX built
in a worker thread so a season's worth of rows never holds the event loop."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.clock import Clock
from bot.i18n import Tr, Translator
from bot.services.report_docx import build_docx
from bot.services.report_model import ReportData, ReportHeading, Summary, summarise
from bot.services.report_period import Period, Preset, preset_period
from bot.services.report_xlsx import build_xlsx
from bot.settings import ReportSettings
from storage.database import Executor
from storage.repositories.faq_answers import FaqAnswerRepository
from storage.repositories.report import ReportRepository

# The narrative part of a funder's report is written in Russian whatever the admin reads.
NARRATIVE_LANGUAGE = "ru"


def report_heading(settings: ReportSettings) -> ReportHeading:
    return ReportHeading(
        organisation=settings.report_organisation,
        project=settings.report_project,
        grant_agreement=settings.report_grant_agreement,
        author=settings.report_organisation or settings.certificate_issuer,
    )


@dataclass(frozen=True, slots=True)
class ReportFiles:
    xlsx: bytes
    docx: bytes
    xlsx_name: str
    docx_name: str
    summary: Summary


async def seminar_period(db: Executor, tz: tzinfo) -> Period | None:
    """The days of the first and the last seminar, for "all time"."""
    span = await ReportRepository(db).seminar_span()
    if span is None:
        return None
    return Period(span[0].astimezone(tz).date(), span[1].astimezone(tz).date())


async def collect(
    db: Executor, period: Period, tz: tzinfo, now: datetime, heading: ReportHeading
) -> ReportData | None:
    """Everything the files need, read before any file work starts; None for an empty period."""
    repo = ReportRepository(db)
    start, end = period.bounds(tz)
    seminars = await repo.seminars(start, end)
    if not seminars:
        return None
    by_seminar = defaultdict(list)
    for registration in await repo.registrations(start, end):
        by_seminar[registration.seminar_id].append(registration)
    return ReportData(
        period=period,
        now=now,
        seminars=tuple(seminars),
        registrations={s.id: tuple(by_seminar[s.id]) for s in seminars},
        attended_before=frozenset(await repo.attended_before(start)),
        questions=await repo.questions(start, end),
        faq_answers=await FaqAnswerRepository(db).count(start, end),
        heading=heading,
    )


def _build(data: ReportData, sheet_tr: Tr, text_tr: Tr, tz: tzinfo) -> ReportFiles:
    summary = summarise(data)
    name = f"report-{data.period.first:%Y-%m-%d}-{data.period.last:%Y-%m-%d}"
    return ReportFiles(
        xlsx=build_xlsx(data, summary, sheet_tr, tz),
        docx=build_docx(data, summary, text_tr, tz),
        xlsx_name=f"{name}.xlsx",
        docx_name=f"{name}.docx",
        summary=summary,
    )


async def build_report(
    db: Executor,
    period: Period,
    sheet_tr: Tr,
    text_tr: Tr,
    tz: tzinfo,
    now: datetime,
    heading: ReportHeading,
) -> ReportFiles | None:
    """The spreadsheet in the admin's language, the narrative in `text_tr`'s (Russian)."""
    data = await collect(db, period, tz, now, heading)
    if data is None:
        return None
    return await asyncio.to_thread(_build, data, sheet_tr, text_tr, tz)


class ReportService:
    """The /report use case: a period from a button or typed dates, then both files."""

    def __init__(
        self,
        db: Executor,
        translator: Translator,
        tz: tzinfo,
        clock: Clock,
        heading: ReportHeading | None = None,
    ) -> None:
        self._db = db
        self._heading = heading or ReportHeading()
        self._translator = translator
        self._tz = tz
        self._clock = clock

    async def preset(self, preset: Preset) -> Period:
        today = self._clock().astimezone(self._tz).date()
        return preset_period(preset, today, await seminar_period(self._db, self._tz))

    async def build(self, period: Period, lang: str) -> ReportFiles | None:
        """None when no seminar falls in the period."""
        return await build_report(
            self._db,
            period,
            self._translator.for_language(lang),
            self._translator.for_language(NARRATIVE_LANGUAGE),
            self._tz,
            self._clock(),
            self._heading,
        )
