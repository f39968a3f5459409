"""The report spreadsheet: Summary, Events (with a native bar chart), Attendance, Feedback.

Built in write-only mode, so a season of thousands of participants stays fast. Names appear
only in the Attendance and Feedback sheets; people who used /forget_me appear as counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.formatting import zone_phrase
from bot.i18n import Tr
from bot.services.export import Value, clean, local_time, save_workbook, write_table
from bot.services.organisations import merge_spellings, organisation_key
from bot.services.report_model import ReportData, Summary
from storage.models import RegistrationStatus

EVENT_KEYS = (
    "title",
    "programme",
    "format",
    "place",
    "planned",
    "actual",
    "seats",
    "registered",
    "attended",
    "rating",
    "ratings",
)
_REGISTERED_COLUMN = EVENT_KEYS.index("registered") + 1
_CHART_ANCHOR_GAP = 2  # empty columns between the table and the chart
_CHART_ROW_HEIGHT_CM = 0.6
DEFINITION_WIDTH = 130  # the Summary's "what is counted" column shows each definition whole


def _percent(part: float | None) -> Value:
    return None if part is None else round(part * 100, 1)


def _round(value: float | None) -> Value:
    return None if value is None else round(value, 2)


SUMMARY_KEYS = (
    "held",
    "cancelled",
    "upcoming",
    "in_person",
    "online",
    "hybrid",
    "registrations",
    "visits",
    "forgotten_visits",
    "attendance_rate",
    "participants",
    "forgotten_people",
    "new",
    "returning",
    "repeat",
    "organisations",
    "questions_asked",
    "questions_answered",
    "faq_answers",
    "responses",
    "response_rate",
    "reviewers",
    "average_rating",
)


def _summary_value(summary: Summary, key: str) -> Value:
    if key == "attendance_rate":
        return _percent(summary.attendance_rate)
    if key == "response_rate":
        return _percent(summary.response_rate)
    if key == "average_rating":
        return _round(summary.average_rating)
    if key == "organisations":
        return len(summary.organisations)
    value: int = getattr(summary, key)
    return value


def period_line(data: ReportData, tr: Tr) -> str:
    """«Отчётный период: с … по ….», worded as in the DOCX."""
    first, last = data.period.first, data.period.last
    return str(tr("report.docx.period", first=f"{first:%d.%m.%Y}", last=f"{last:%d.%m.%Y}"))


def summary_rows(summary: Summary, tr: Tr) -> list[list[Value]]:
    """Indicator, value and what exactly it counts, in the order a funder's form asks."""
    return [
        [
            str(tr(f"report.xlsx.summary.{key}")),
            _summary_value(summary, key),
            str(tr(f"report.xlsx.definitions.{key}")),
        ]
        for key in SUMMARY_KEYS
    ]


def organisation_rows(summary: Summary) -> list[list[Value]]:
    return [[clean(name)] for name in summary.organisations]


def event_rows(data: ReportData, summary: Summary, tr: Tr, tz: tzinfo) -> list[list[Value]]:
    """A seminar not held (cancelled or still ahead) has no attended figure: «—», not 0."""
    cancelled = str(tr("report.cancelled"))
    return [
        [
            clean(line.seminar.title),
            clean(line.seminar.programme or ""),
            str(tr(f"report.format.{line.seminar.format.value}")),
            clean(line.seminar.place),
            local_time(line.seminar.planned_starts_at, tz),
            cancelled if line.seminar.is_cancelled else local_time(line.seminar.starts_at, tz),
            line.seminar.capacity,
            line.registered,
            line.attended if line.held else "—",
            _round(line.rating),
            line.responses,
        ]
        for line in summary.lines
    ]


def _organisation_spellings(summary: Summary, names: list[str]) -> dict[str, str]:
    """Each organisation's spelling as the «Организации» sheet shows it (the others merged
    among themselves), by its key."""
    shown = {organisation_key(name): name for name in merge_spellings(names)}
    shown.update((organisation_key(name), name) for name in summary.organisations)
    return shown


def attendance_rows(data: ReportData, summary: Summary) -> list[list[Value]]:
    """People × held seminars: 1 came, 0 had a seat and did not, empty not registered;
    each organisation in the spelling the other sheets use."""
    held = [line.seminar for line in summary.lines if line.held]
    people: dict[int, tuple[str, str]] = {}
    marks: dict[int, dict[int, int]] = {}
    for column, seminar in enumerate(held):
        for row in data.registrations[seminar.id]:
            came = row.came is not None
            if row.user_id is None or (not came and row.status is not RegistrationStatus.CONFIRMED):
                continue
            people.setdefault(row.user_id, (row.full_name or "", row.organisation or ""))
            marks.setdefault(row.user_id, {})[column] = int(came)
    order = sorted(people, key=lambda uid: (people[uid][0].casefold(), uid))
    spellings = _organisation_spellings(summary, [people[uid][1] for uid in order])
    rows: list[list[Value]] = []
    for user_id in order:
        name, organisation = people[user_id]
        shown = spellings.get(organisation_key(organisation), "")
        cells: list[Value] = [marks[user_id].get(column) for column in range(len(held))]
        total = sum(value for value in cells if isinstance(value, int))
        rows.append([clean(name), clean(shown), *cells, total])
    return rows


def attendance_totals(data: ReportData, summary: Summary, tr: Tr) -> list[list[Value]]:
    """Below the people, outside the filter: forgotten people as one row of counts (if any),
    then the totals."""
    held = [line.seminar for line in summary.lines if line.held]
    forgotten: Counter[int] = Counter()
    for column, seminar in enumerate(held):
        for row in data.registrations[seminar.id]:
            if row.user_id is None:
                forgotten[column] += row.came is not None
    rows: list[list[Value]] = []
    if forgotten:
        counts: list[Value] = [forgotten[column] for column in range(len(held))]
        rows.append([str(tr("report.xlsx.forgotten_row")), "", *counts, sum(forgotten.values())])
    totals = [
        sum(1 for row in data.registrations[seminar.id] if row.came is not None) for seminar in held
    ]
    rows.append([str(tr("report.xlsx.totals")), "", *totals, sum(totals)])
    return rows


def attendance_header(summary: Summary, tr: Tr, tz: tzinfo) -> list[str]:
    held = [line.seminar for line in summary.lines if line.held]
    titles = [
        f"{local_time(seminar.starts_at, tz):%d.%m} {clean(seminar.title)}" for seminar in held
    ]
    return [
        str(tr("report.xlsx.attendance.name")),
        str(tr("report.xlsx.attendance.organisation")),
        *titles,
        str(tr("report.xlsx.attendance.total")),
    ]


def feedback_rows(summary: Summary, data: ReportData) -> list[list[Value]]:
    """Ratings and comments without names: only the Attendance sheet names people."""
    rows: list[list[Value]] = []
    for line in summary.lines:
        for row in data.registrations[line.seminar.id]:
            if row.rating is None and not row.useful and not row.next_topic:
                continue
            rows.append(
                [
                    clean(line.seminar.title),
                    row.rating,
                    clean(row.useful or ""),
                    clean(row.next_topic or ""),
                ]
            )
    return rows


def _labels(tr: Tr, prefix: str, keys: Sequence[str], **args: str) -> list[str]:
    return [str(tr(f"{prefix}.{key}", **args)) for key in keys]


def _add_chart(sheet: Any, events: int, tr: Tr) -> None:
    """Registered and attended for the first `events` rows: the seminars held (the Events
    sheet lists them first)."""
    chart = BarChart()
    chart.type = "col"
    chart.title = str(tr("report.xlsx.chart.title"))
    chart.y_axis.title = str(tr("report.xlsx.chart.people"))
    values = Reference(
        sheet,
        min_col=_REGISTERED_COLUMN,
        max_col=_REGISTERED_COLUMN + 1,
        min_row=1,
        max_row=events + 1,
    )
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=events + 1))
    chart.width = max(16.0, events * 1.2)
    chart.height = 9.0
    anchor_column = len(EVENT_KEYS) + _CHART_ANCHOR_GAP
    sheet.add_chart(chart, f"{get_column_letter(anchor_column)}2")


def _one_page_wide(sheet: Any) -> None:
    """Printed (or turned into PDF) on A4 one page wide, as many pages down as it takes."""
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4


def _one_page_wide_landscape(sheet: Any) -> None:
    _one_page_wide(sheet)
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE


def build_xlsx(data: ReportData, summary: Summary, tr: Tr, tz: tzinfo) -> bytes:
    workbook = Workbook(write_only=True)
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = clean(data.heading.author) or None
    properties.title = clean(data.document_title(str(tr("report.xlsx.title"))))
    properties.created = properties.modified = data.now.replace(tzinfo=None)
    write_table(
        workbook,
        str(tr("report.xlsx.sheets.summary")),
        _labels(tr, "report.xlsx.summary_header", ("indicator", "value", "definition")),
        summary_rows(summary, tr),
        _one_page_wide_landscape,
        max_width=DEFINITION_WIDTH,
        preamble=[period_line(data, tr)],
        autofilter=False,
    )
    events = write_table(
        workbook,
        str(tr("report.xlsx.sheets.events")),
        # The date columns name the time zone their times are in.
        _labels(tr, "report.xlsx.events", EVENT_KEYS, zone=zone_phrase(tz, tr)),
        event_rows(data, summary, tr, tz),
        _one_page_wide_landscape,
        date_format=str(tr("report.xlsx.date_format")),
        notes=[str(tr("report.xlsx.events_note"))],
    )
    _add_chart(events, summary.held, tr)
    write_table(
        workbook,
        str(tr("report.xlsx.sheets.attendance")),
        attendance_header(summary, tr, tz),
        attendance_rows(data, summary),
        _one_page_wide_landscape,
        footer=attendance_totals(data, summary, tr),
        notes=_labels(tr, "report.xlsx.legend", ("came", "missed", "blank", "forgotten")),
    )
    write_table(
        workbook,
        str(tr("report.xlsx.sheets.organisations")),
        [str(tr("report.xlsx.organisations.name"))],
        organisation_rows(summary),
        _one_page_wide,
        notes=[str(tr("report.xlsx.organisations.note"))],
    )
    write_table(
        workbook,
        str(tr("report.xlsx.sheets.feedback")),
        _labels(tr, "report.xlsx.feedback", ("seminar", "rating", "useful", "next")),
        feedback_rows(summary, data),
        _one_page_wide_landscape,
    )
    return save_workbook(workbook)
