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
from bot.services.report_model import ReportData, ReportHeading, Summary
from storage.repositories.report import ReportRegistration, ReportSeminar

# Control characters XML 1.0 cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
QUOTES = 5
QUOTE_MAX = 600
_TABLE_KEYS = (
    "number",
    "title",
    "format",
    "planned",
    "actual",
    "registered",
    "attended",
    "rating",
)
# 17 cm: A4 with 2 cm margins; at these sizes every header word and date fits its column.
_TABLE_WIDTHS_CM = (0.7, 2.7, 1.8, 2.75, 2.75, 2.5, 1.9, 1.9)
_TABLE_FONT_PT = 9
_TABLE_HEADER_FONT_PT = 8
_MARGIN_CM = 2.0


def _text(text: str) -> str:
    """User text without the control characters a Word document cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def _date(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"


def _actual(seminar: ReportSeminar, tr: Tr, tz: tzinfo) -> str:
    return str(tr("report.cancelled")) if seminar.is_cancelled else _date(seminar.starts_at, tz)


def _fill(cells: Any, values: tuple[str, ...], size_pt: float = _TABLE_FONT_PT) -> None:
    """Text and width of one row's cells (set here, row by row: python-docx finds a
    column's cells by walking the whole table)."""
    for cell, value, width in zip(cells, values, _TABLE_WIDTHS_CM, strict=True):
        cell.text = value
        cell.width = Cm(width)
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(size_pt)


def _events_table(document: Any, summary: Summary, tr: Tr, tz: tzinfo) -> None:
    table = document.add_table(rows=1, cols=len(_TABLE_KEYS))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, _TABLE_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    zone = zone_phrase(tz, tr)  # the date columns name the time zone their times are in
    header = table.rows[0].cells
    _fill(
        header,
        tuple(str(tr(f"report.docx.table.{key}", zone=zone)) for key in _TABLE_KEYS),
        _TABLE_HEADER_FONT_PT,
    )
    for cell in header:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for number, line in enumerate(summary.lines, start=1):
        values = (
            str(number),
            _text(line.seminar.title),
            str(tr(f"report.format.{line.seminar.format.value}")),
            _date(line.seminar.planned_starts_at, tz),
            _actual(line.seminar, tr, tz),
            str(line.registered),
            str(line.attended) if line.held else "—",
            # How many ratings the average rests on, in brackets: «4,5 (2)».
            f"{format_decimal(line.rating, tr)} ({line.responses})"
            if line.rating is not None
            else "—",
        )
        _fill(table.add_row().cells, values)


def result_sentences(summary: Summary, tr: Tr) -> list[str]:
    """The quantitative results, one sentence each, every number with its unit (seminars,
    registrations, visits or people), plural forms from the catalogue."""
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
    people = tr("report.docx.people", count=s.participants)
    visits = tr("report.docx.visits", count=s.visits)
    if s.attendance_rate is not None:
        rate = format_decimal(s.attendance_rate * 100, tr)
        sentences.append(
            tr(
                "report.docx.attended",
                count=s.participants,
                people=people,
                visits=visits,
                rate=rate,
            )
        )
    if s.forgotten_people:
        sentences.append(tr("report.docx.forgotten", count=s.forgotten_people))
    sentences += [
        tr(
            "report.docx.new_and_returning",
            new=tr("report.docx.people", count=s.new),
            returning=tr("report.docx.people", count=s.returning),
        ),
        tr("report.docx.repeat", count=s.repeat),
        tr("report.docx.organisations", count=len(s.organisations)),
        (
            tr("report.docx.questions", count=s.questions_asked, answered=s.questions_answered)
            if s.questions_asked
            else tr("report.docx.no_questions")
        ),
        tr("report.docx.faq_answers", count=s.faq_answers),
    ]
    if s.response_rate is not None and s.average_rating is not None:
        sentences.append(
            tr(
                "report.docx.feedback",
                reviews=tr("report.docx.reviews", count=s.responses),
                visits=visits,
                rate=format_decimal(s.response_rate * 100, tr),
                people=tr("report.docx.people", count=s.reviewers),
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


def heading_lines(heading: ReportHeading, tr: Tr) -> list[str]:
    """Organisation, project and grant agreement, those that are set."""
    fields = (
        ("organisation", heading.organisation),
        ("project", heading.project),
        ("grant_agreement", heading.grant_agreement),
    )
    # Settings text is joined, not passed through the catalogue: it would be HTML-escaped.
    return [f"{tr(f'report.docx.heading.{key}')}: {_text(value)}" for key, value in fields if value]


def _metadata(document: Any, data: ReportData, tr: Tr) -> None:
    """Author, title with the period and the build moment, instead of the template's."""
    properties = document.core_properties
    author = _text(data.heading.author or data.heading.organisation)
    properties.author = properties.last_modified_by = author
    properties.title = _text(data.document_title(str(tr("report.docx.title"))))
    properties.comments = ""
    properties.created = properties.modified = data.now.replace(tzinfo=None)
    properties.revision = 1


def _organisations(document: Any, summary: Summary, tr: Tr) -> None:
    document.add_heading(str(tr("report.docx.organisations_heading")), level=1)
    if not summary.organisations:
        document.add_paragraph(str(tr("report.docx.no_organisations")))
    else:
        # One paragraph, not a bulleted list: python-docx looks a style up slowly, and a
        # season has hundreds of organisations.
        document.add_paragraph("; ".join(_text(name) for name in summary.organisations) + ".")


def _needs(document: Any, summary: Summary, tr: Tr) -> None:
    document.add_heading(str(tr("report.docx.needs_heading")), level=1)
    if not summary.needs:
        document.add_paragraph(str(tr("report.docx.no_needs")))
        return
    document.add_paragraph(str(tr("report.docx.needs_intro")))
    for need in summary.needs:
        answers = str(tr("report.docx.answers", count=need.answers))
        document.add_paragraph(f"{_shorten(_text(need.topic))} ({answers})", style="List Bullet")


def build_docx(data: ReportData, summary: Summary, tr: Tr, tz: tzinfo) -> bytes:
    document = Document()
    _metadata(document, data, tr)
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(_MARGIN_CM)
    document.add_heading(str(tr("report.docx.title")), level=0)
    for line in heading_lines(data.heading, tr):
        document.add_paragraph(line)
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
    _organisations(document, summary, tr)
    document.add_heading(str(tr("report.docx.quotes_heading")), level=1)
    quotes = best_quotes(data)
    if not quotes:
        document.add_paragraph(str(tr("report.docx.no_quotes")))
    for seminar, row in quotes:
        paragraph = document.add_paragraph(style="Quote")
        paragraph.add_run(f"«{_shorten(_text(row.useful or ''))}»")
        source = str(tr("report.docx.quote_source"))
        paragraph.add_run(f" — {source} «{_text(seminar.title)}»")
    _needs(document, summary, tr)
    document.add_heading(str(tr("report.docx.links_heading")), level=1)
    placeholder = document.add_paragraph().add_run(str(tr("report.docx.links_placeholder")))
    placeholder.bold = True
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
