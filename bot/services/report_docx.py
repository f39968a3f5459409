"""The narrative draft for the funder's analytic report, to be edited in Word.

Only counts and anonymous quotes: names stay in the spreadsheet, which only admins get.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, tzinfo
from typing import Any

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm, Pt

from bot.formatting import format_decimal, zone_phrase
from bot.i18n import Tr
from bot.services.report_model import ReportData, Summary
from storage.repositories.report import ReportRegistration, ReportSeminar

# Control characters XML 1.0 cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
QUOTES = 5
QUOTE_MAX = 600
_TABLE_KEYS = ("number", "title", "format", "planned", "actual", "attended")
_TABLE_WIDTHS_CM = (0.9, 6.0, 2.3, 2.9, 2.9, 2.0)  # 17 cm: A4 with 2 cm margins
_MARGIN_CM = 2.0


def _text(text: str) -> str:
    """User text without the control characters a Word document cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def _date(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"


def _actual(seminar: ReportSeminar, tr: Tr, tz: tzinfo) -> str:
    return str(tr("report.cancelled")) if seminar.is_cancelled else _date(seminar.starts_at, tz)


def _events_table(document: Any, summary: Summary, tr: Tr, tz: tzinfo) -> None:
    table = document.add_table(rows=1, cols=len(_TABLE_KEYS))
    table.style = "Table Grid"
    zone = zone_phrase(tz, tr)  # the date columns name the time zone their times are in
    for cell, key in zip(table.rows[0].cells, _TABLE_KEYS, strict=True):
        cell.text = str(tr(f"report.docx.table.{key}", zone=zone))
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for number, line in enumerate(summary.lines, start=1):
        cells = table.add_row().cells
        values = (
            str(number),
            _text(line.seminar.title),
            str(tr(f"report.format.{line.seminar.format.value}")),
            _date(line.seminar.planned_starts_at, tz),
            _actual(line.seminar, tr, tz),
            str(line.attended) if line.held else "—",
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    table.autofit = False
    for column, width in zip(table.columns, _TABLE_WIDTHS_CM, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def result_sentences(summary: Summary, tr: Tr) -> list[str]:
    """The quantitative results, one sentence each, plural forms from the catalogue."""
    s = summary
    sentences = [
        tr("report.docx.held", count=s.held),
        tr("report.docx.formats", in_person=s.in_person, online=s.online, hybrid=s.hybrid),
    ]
    if s.cancelled:
        sentences.append(tr("report.docx.cancelled", count=s.cancelled))
    if s.upcoming:
        sentences.append(tr("report.docx.upcoming", count=s.upcoming))
    sentences.append(tr("report.docx.registrations", count=s.registrations))
    if s.attendance_rate is not None:
        sentences.append(
            tr(
                "report.docx.attended",
                count=s.attended,
                rate=format_decimal(s.attendance_rate * 100, tr),
            )
        )
    sentences += [
        tr("report.docx.participants", count=s.participants),
        tr("report.docx.organisations", count=s.organisations),
        tr("report.docx.new", count=s.new),
        tr("report.docx.returning", count=s.returning),
        tr("report.docx.questions", count=s.questions_asked, answered=s.questions_answered),
        tr("report.docx.faq_not_recorded"),
    ]
    if s.response_rate is not None and s.average_rating is not None:
        sentences.append(
            tr(
                "report.docx.feedback",
                count=s.responses,
                rate=format_decimal(s.response_rate * 100, tr),
                average=format_decimal(s.average_rating, tr),
            )
        )
    else:
        sentences.append(tr("report.docx.no_feedback"))
    return [str(sentence) for sentence in sentences]


def best_quotes(data: ReportData) -> list[tuple[ReportSeminar, ReportRegistration]]:
    """The most useful feedback: the highest ratings first, then the fuller answers."""
    answers = [
        (seminar, row)
        for seminar in data.seminars
        for row in data.registrations[seminar.id]
        if row.useful and row.useful.strip()
    ]
    answers.sort(key=lambda pair: (-(pair[1].rating or 0), -len(pair[1].useful or "")))
    return answers[:QUOTES]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"


def build_docx(data: ReportData, summary: Summary, tr: Tr, tz: tzinfo) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(_MARGIN_CM)
    document.add_heading(str(tr("report.docx.title")), level=0)
    document.add_paragraph(
        str(
            tr(
                "report.docx.period",
                first=f"{data.period.first:%d.%m.%Y}",
                last=f"{data.period.last:%d.%m.%Y}",
            )
        )
    )
    document.add_heading(str(tr("report.docx.events_heading")), level=1)
    _events_table(document, summary, tr, tz)
    document.add_heading(str(tr("report.docx.results_heading")), level=1)
    for sentence in result_sentences(summary, tr):
        document.add_paragraph(sentence)
    document.add_heading(str(tr("report.docx.quotes_heading")), level=1)
    quotes = best_quotes(data)
    if not quotes:
        document.add_paragraph(str(tr("report.docx.no_quotes")))
    for seminar, row in quotes:
        paragraph = document.add_paragraph(style="Quote")
        paragraph.add_run(f"«{_shorten(_text(row.useful or ''))}»")
        source = str(tr("report.docx.quote_source"))
        paragraph.add_run(f" — {source} «{_text(seminar.title)}»")
    document.add_heading(str(tr("report.docx.links_heading")), level=1)
    placeholder = document.add_paragraph().add_run(str(tr("report.docx.links_placeholder")))
    placeholder.bold = True
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
