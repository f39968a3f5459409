"""Attendee exports: CSV and XLSX files of a seminar's registrations, and an all-seminars XLSX.

Data is read from the database first; building the files is plain CPU work done in a
worker thread (`asyncio.to_thread`), so a large export never holds the event loop.
No cell can run as a formula: XLSX text is written as text cells (a phone stays
`+79991234501`), CSV text that a spreadsheet would read as a formula gets an apostrophe.
The XLSX is set up for printing, with a sign-in sheet for the door.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.formatting import zone_phrase
from bot.i18n import Tr
from storage.models import AttendanceKind, RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.exports import ExportRow
from storage.repositories.feedback import FeedbackComment

log = logging.getLogger(__name__)

# A spreadsheet reading CSV runs text starting with these as a formula (tab and CR are
# used to smuggle one past naive checks); `+` and `-` only when no phone number follows.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"\+\d[\d ()-]{6,22}")
_SLUG_MAX = 40
_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцы", "abvgdeziyklmnoprstufhcy", strict=True)),
        "ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "э": "e", "ю": "yu", "я": "ya",
        "ъ": "", "ь": "",
    }
)  # fmt: skip
# Control characters XML 1.0 cannot hold (openpyxl refuses them); useless in CSV too.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
_TEXT_DATETIME = "%d.%m.%Y %H:%M"
EXCEL_DATETIME = "dd.mm.yyyy hh:mm"
_SIGN_IN_ROW_HEIGHT = 30  # points: room for a signature
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_BOLD = Font(bold=True)

Value = str | int | float | datetime | None

COLUMN_KEYS = (
    "number",
    "full_name",
    "organisation",
    "phone",
    "username",
    "telegram_id",
    "status",
    "status_text",
    "waitlist_place",
    "registered_at",
    "attendance",
    "visit",
)
# The attendance column after a seminar has ended: literal words in either language, as the
# statuses are, so a spreadsheet filter works the same for every organiser.
VISIT_WORDS = {AttendanceKind.IN_PERSON: "attended", AttendanceKind.ONLINE: "online"}
NO_SHOW = "no-show"
SIGN_IN_KEYS = ("number", "full_name", "organisation", "signature")
# Columns whose header names the time zone their times are in.
_TIMED = frozenset({"registered_at", "starts_at", "exported_at"})
DETAIL_KEYS = (
    "id",
    "title",
    "description",
    "starts_at",
    "duration",
    "place",
    "capacity",
    "status",
    "confirmed",
    "waitlist",
    "cancelled",
    "attending",
    "declined",
    "came_in_person",
    "came_online",
    "exported_at",
)
SUMMARY_KEYS = (
    "id",
    "title",
    "starts_at",
    "status",
    "capacity",
    "confirmed",
    "waitlist",
    "cancelled",
    "attending",
    "came",
)

FEEDBACK_KEYS = ("full_name", "rating", "useful", "next_topic")


@dataclass(frozen=True, slots=True)
class ExportLabels:
    """Every word the files contain, in the admin's language."""

    columns: tuple[str, ...]
    details: tuple[str, ...]
    summary: tuple[str, ...]
    sign_in: tuple[str, ...]
    statuses: dict[RegistrationStatus, str]
    attended_yes: str
    attended_no: str
    attended_unknown: str
    anonymised: str
    seminar_published: str
    seminar_cancelled: str
    participants_sheet: str
    details_sheet: str
    summary_sheet: str
    sign_in_sheet: str
    feedback_sheet: str
    feedback: tuple[str, ...]


def labels_for(tr: Tr, tz: tzinfo) -> ExportLabels:
    zone = zone_phrase(tz, tr)

    def label(group: str, key: str) -> str:
        text = str(tr(f"export.{group}.{key}"))
        return str(tr("export.timed", label=text, zone=zone)) if key in _TIMED else text

    return ExportLabels(
        columns=tuple(label("columns", key) for key in COLUMN_KEYS),
        details=tuple(label("details", key) for key in DETAIL_KEYS),
        summary=tuple(label("summary", key) for key in SUMMARY_KEYS),
        sign_in=tuple(str(tr(f"export.sign_in.{key}")) for key in SIGN_IN_KEYS),
        statuses={
            status: str(tr(f"export.statuses.{status.value}")) for status in RegistrationStatus
        },
        attended_yes=tr("export.attendance.came"),
        attended_no=tr("export.attendance.declined"),
        attended_unknown=tr("export.attendance.unknown"),
        anonymised=tr("export.anonymised"),
        seminar_published=tr("export.seminar_status.published"),
        seminar_cancelled=tr("export.seminar_status.cancelled"),
        participants_sheet=tr("export.sheets.participants"),
        details_sheet=tr("export.sheets.details"),
        summary_sheet=tr("export.sheets.summary"),
        sign_in_sheet=tr("export.sheets.sign_in"),
        feedback_sheet=tr("export.sheets.feedback"),
        feedback=tuple(str(tr(f"export.feedback.{key}")) for key in FEEDBACK_KEYS),
    )


@dataclass(frozen=True, slots=True)
class SeminarTotals:
    confirmed: int
    waitlist: int
    cancelled: int
    attending: int  # confirmed registrants who answered "I'll come" to a reminder
    declined: int  # registrants who answered "Can't come"
    came_in_person: int = 0  # checked in at the door
    came_online: int = 0  # pressed Join

    @classmethod
    def of(cls, rows: Iterable[ExportRow]) -> SeminarTotals:
        keys = ("confirmed", "waitlist", "cancelled", "attending", "declined")
        counts = dict.fromkeys((*keys, "came_in_person", "came_online"), 0)
        for row in rows:
            counts[row.status.value] += 1
            if row.attendance == "yes" and row.status is RegistrationStatus.CONFIRMED:
                counts["attending"] += 1
            elif row.attendance == "no":
                counts["declined"] += 1
            if row.came is AttendanceKind.IN_PERSON:
                counts["came_in_person"] += 1
            elif row.came is AttendanceKind.ONLINE:
                counts["came_online"] += 1
        return cls(**counts)

    @property
    def came(self) -> int:
        return self.came_in_person + self.came_online


@dataclass(frozen=True, slots=True)
class SeminarExport:
    """What one seminar's files are made of, fetched before any file work starts."""

    seminar: Seminar
    rows: tuple[ExportRow, ...]
    ended: bool = False  # attendance is told only once the seminar is over
    feedback: tuple[FeedbackComment, ...] = ()

    @property
    def totals(self) -> SeminarTotals:
        return SeminarTotals.of(self.rows)


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class SeminarFiles:
    csv: ExportFile
    xlsx: ExportFile
    totals: SeminarTotals
    seminar: Seminar


def neutralise(text: str) -> str:
    """CSV text a spreadsheet would run as a formula gets a leading apostrophe.

    A phone number such as `+79991234501` is left as it is.
    """
    if not text.startswith(_FORMULA_TRIGGERS) or _PHONE.fullmatch(text):
        return text
    return "'" + text


def clean(text: str) -> str:
    """Cell text without the control characters XML cannot hold (they could hide a trigger)."""
    return _XML_ILLEGAL.sub("", text)


def slug(title: str) -> str:
    """A short file-name-safe form of a title: `Семинар для НКО` → `seminar-dlya-nko`."""
    latin = title.casefold().translate(_TRANSLIT)
    words = re.sub(r"[^a-z0-9]+", " ", latin).split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > _SLUG_MAX:
            break
        out = candidate
    return out or (words[0][:_SLUG_MAX] if words else "seminar")


def seminar_filename(seminar: Seminar, tz: tzinfo, extension: str) -> str:
    day = f"{seminar.starts_at.astimezone(tz):%Y-%m-%d}"
    return f"seminar-{seminar.id}-{slug(seminar.title)}-{day}.{extension}"


def all_seminars_filename(now: datetime, tz: tzinfo) -> str:
    return f"seminars-all-{now.astimezone(tz):%Y-%m-%d}.xlsx"


def local_time(moment: datetime, tz: tzinfo) -> datetime:
    """Excel has no time zones: a naive wall-clock time in TIMEZONE."""
    return moment.astimezone(tz).replace(tzinfo=None)


def _attendance(row: ExportRow, labels: ExportLabels) -> str:
    if row.attendance == "yes":
        return labels.attended_yes
    if row.attendance == "no":
        return labels.attended_no
    return labels.attended_unknown


def visit(row: ExportRow, ended: bool) -> str:
    """`attended`, `online` or `no-show` once the seminar has ended; empty before."""
    if not ended:
        return ""
    if row.came is not None:
        return VISIT_WORDS[row.came]
    return NO_SHOW if row.status is RegistrationStatus.CONFIRMED else ""


def registration_cells(
    number: int, row: ExportRow, labels: ExportLabels, tz: tzinfo, ended: bool = False
) -> list[Value]:
    """One row of the attendee table, typed; text is neutralised here for both formats."""
    if row.user_id is None:
        identity: list[Value] = [labels.anonymised, None, None, None, None]
    else:
        identity = [
            clean(row.full_name or ""),
            clean(row.organisation or ""),
            clean(row.phone or ""),
            clean(row.username or ""),
            row.user_id,
        ]
    return [
        number,
        *identity,
        row.status.value,
        labels.statuses[row.status],
        row.waitlist_place,
        local_time(row.registered_at, tz),
        _attendance(row, labels),
        visit(row, ended),
    ]


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(_TEXT_DATETIME)
    return str(value)


def build_csv(export: SeminarExport, labels: ExportLabels, tz: tzinfo) -> bytes:
    """UTF-8 with BOM and `;`, as Excel in a Russian locale opens it by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(clean(label)) for label in labels.columns])
    for number, row in enumerate(export.rows, start=1):
        cells = registration_cells(number, row, labels, tz, export.ended)
        writer.writerow([neutralise(v) if isinstance(v, str) else _text(v) for v in cells])
    return buffer.getvalue().encode("utf-8-sig")


def cell_value(
    sheet: Any, value: Value, *, bold: bool = False, date_format: str = EXCEL_DATETIME
) -> Any:
    """A value for a write-only row; text can never become a formula or an error cell.

    Plain values are cheapest (openpyxl reuses one cell object per row), so only text
    that openpyxl would otherwise read as a formula or error code, dates (number format)
    and bold headers get a cell object of their own.
    """
    if isinstance(value, str):
        if not bold and not value.startswith("=") and value not in ERROR_CODES:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = date_format
    else:
        return value
    if bold:
        cell.font = _BOLD
    return cell


def column_widths(
    header: Sequence[str], rows: Iterable[Sequence[Value]], max_width: int = _MAX_WIDTH
) -> list[float]:
    widths = [len(text) for text in header]
    for row in rows:
        for index, value in enumerate(row):
            size = len(_text(value))
            if size > widths[index]:
                widths[index] = size
    return [min(max(w + 2, _MIN_WIDTH), max_width) for w in widths]


def _print_setup(sheet: Any) -> None:
    """A4 landscape, one page wide (as many pages long as needed), header row on each page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def write_table(
    workbook: Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Value]],
    setup: Callable[[Any], None] | None = None,
    *,
    date_format: str = EXCEL_DATETIME,
    notes: Sequence[str] = (),
    max_width: int = _MAX_WIDTH,
    preamble: Sequence[str] = (),
    footer: Sequence[Sequence[Value]] = (),
    autofilter: bool = True,
) -> Any:
    """A sheet with a bold frozen header, autofilter and widths fitted to the content;
    `setup` sees the sheet before any row is written (sheet properties go first);
    `preamble` lines come above the header; `footer` rows (totals) follow the data outside
    the filter, and `notes` after them and an empty row; `max_width` caps column widths
    (in characters)."""
    sheet = workbook.create_sheet(title)
    if setup is not None:
        setup(sheet)
    # Write-only sheets stream rows, so widths and panes must be set before the first row.
    widths = column_widths(header, [*rows, *footer], max_width)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(preamble) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for line in preamble:
        sheet.append([cell_value(sheet, line, bold=True)])
    sheet.append([cell_value(sheet, clean(label), bold=True) for label in header])
    for row in [*rows, *footer]:
        sheet.append([cell_value(sheet, value, date_format=date_format) for value in row])
    if notes:
        sheet.append([])
    for note in notes:
        sheet.append([cell_value(sheet, note)])
    if autofilter:
        last = get_column_letter(len(header))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(rows)}"
    return sheet


def _write_details(
    workbook: Workbook, export: SeminarExport, labels: ExportLabels, tz: tzinfo, now: datetime
) -> None:
    seminar, totals = export.seminar, export.totals
    values: list[Value] = [
        seminar.id,
        clean(seminar.title),
        clean(seminar.description),
        local_time(seminar.starts_at, tz),
        seminar.duration_minutes,
        clean(seminar.place),
        seminar.capacity,
        labels.seminar_cancelled if seminar.is_cancelled else labels.seminar_published,
        totals.confirmed,
        totals.waitlist,
        totals.cancelled,
        totals.attending,
        totals.declined,
        totals.came_in_person,
        totals.came_online,
        local_time(now, tz),
    ]
    sheet = workbook.create_sheet(labels.details_sheet)
    label_width = max(len(label) for label in labels.details) + 2
    sheet.column_dimensions["A"].width = min(label_width, _MAX_WIDTH)
    sheet.column_dimensions["B"].width = _MAX_WIDTH
    for label, value in zip(labels.details, values, strict=True):
        sheet.append([cell_value(sheet, clean(label), bold=True), cell_value(sheet, value)])


def _write_sign_in(workbook: Workbook, export: SeminarExport, labels: ExportLabels) -> None:
    """The door's list: seat holders by name, with an empty column to sign in."""
    sheet = workbook.create_sheet(labels.sign_in_sheet)
    _print_setup(sheet)
    sheet.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT
    for letter, width in zip("ABCD", (5, 40, 40, 25), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([cell_value(sheet, label, bold=True) for label in labels.sign_in])
    seat_holders = sorted(
        (r for r in export.rows if r.status is RegistrationStatus.CONFIRMED and r.user_id),
        key=lambda r: (r.full_name or "").casefold(),
    )
    for number, row in enumerate(seat_holders, start=1):
        sheet.row_dimensions[number + 1].height = _SIGN_IN_ROW_HEIGHT
        name, organisation = clean(row.full_name or ""), clean(row.organisation or "")
        sheet.append([number, cell_value(sheet, name), cell_value(sheet, organisation), None])


def _attendee_rows(export: SeminarExport, labels: ExportLabels, tz: tzinfo) -> list[list[Value]]:
    return [
        registration_cells(number, row, labels, tz, export.ended)
        for number, row in enumerate(export.rows, start=1)
    ]


def save_workbook(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_xlsx(export: SeminarExport, labels: ExportLabels, tz: tzinfo, now: datetime) -> bytes:
    workbook = Workbook(write_only=True)
    write_table(
        workbook,
        labels.participants_sheet,
        labels.columns,
        _attendee_rows(export, labels, tz),
        _print_setup,
    )
    _write_details(workbook, export, labels, tz, now)
    _write_sign_in(workbook, export, labels)
    write_table(
        workbook,
        labels.feedback_sheet,
        labels.feedback,
        _feedback_rows(export, labels),
        _print_setup,
    )
    return save_workbook(workbook)


def _feedback_rows(export: SeminarExport, labels: ExportLabels) -> list[list[Value]]:
    return [
        [
            clean(answer.full_name) or labels.anonymised,
            answer.rating,
            clean(answer.useful or ""),
            clean(answer.next_topic or ""),
        ]
        for answer in export.feedback
    ]


def sheet_titles(names: Sequence[str]) -> list[str]:
    """Valid, unique (case-insensitively, as Excel compares) sheet titles for `names`."""
    taken: set[str] = set()
    titles = []
    for name in names:
        base = _SHEET_TITLE_FORBIDDEN.sub(" ", _XML_ILLEGAL.sub("", name))
        # Excel rejects a title that begins or ends with an apostrophe.
        base = " ".join(base.split()).strip("'").strip() or "Sheet"
        title = base[:_SHEET_TITLE_MAX]
        suffix = 1
        while title.casefold() in taken:
            suffix += 1
            tail = f" ({suffix})"
            title = base[: _SHEET_TITLE_MAX - len(tail)].rstrip() + tail
        taken.add(title.casefold())
        titles.append(title)
    return titles


def build_all_xlsx(exports: Sequence[SeminarExport], labels: ExportLabels, tz: tzinfo) -> bytes:
    """A summary sheet, then one attendee sheet per seminar."""
    summary_rows: list[list[Value]] = []
    for export in exports:
        seminar, totals = export.seminar, export.totals
        summary_rows.append(
            [
                seminar.id,
                clean(seminar.title),
                local_time(seminar.starts_at, tz),
                labels.seminar_cancelled if seminar.is_cancelled else labels.seminar_published,
                seminar.capacity,
                totals.confirmed,
                totals.waitlist,
                totals.cancelled,
                totals.attending,
                totals.came if export.ended else None,
            ]
        )
    titles = sheet_titles(
        [labels.summary_sheet, *(f"{e.seminar.id} {e.seminar.title}" for e in exports)]
    )
    workbook = Workbook(write_only=True)
    write_table(workbook, titles[0], labels.summary, summary_rows, _print_setup)
    for title, export in zip(titles[1:], exports, strict=True):
        write_table(
            workbook, title, labels.columns, _attendee_rows(export, labels, tz), _print_setup
        )
    return save_workbook(workbook)


def _seminar_files(
    export: SeminarExport, labels: ExportLabels, tz: tzinfo, now: datetime
) -> SeminarFiles:
    return SeminarFiles(
        csv=ExportFile(seminar_filename(export.seminar, tz, "csv"), build_csv(export, labels, tz)),
        xlsx=ExportFile(
            seminar_filename(export.seminar, tz, "xlsx"), build_xlsx(export, labels, tz, now)
        ),
        totals=export.totals,
        seminar=export.seminar,
    )


async def export_seminar(
    repos: Repositories, seminar_id: int, labels: ExportLabels, tz: tzinfo, now: datetime
) -> SeminarFiles | None:
    """Both files for one seminar, or None when there is no such seminar."""
    seminar = await repos.seminars.get(seminar_id)
    if seminar is None:
        return None
    rows = tuple(await repos.exports.rows(seminar_id))
    feedback = tuple(await repos.feedback.answers(seminar_id))
    export = SeminarExport(seminar, rows, ended=seminar.ends_at <= now, feedback=feedback)
    files = await asyncio.to_thread(_seminar_files, export, labels, tz, now)
    log.info("export seminar=%s registrations=%d", seminar_id, len(export.rows))
    return files


async def export_all(
    repos: Repositories, labels: ExportLabels, tz: tzinfo, now: datetime
) -> tuple[ExportFile, int]:
    """The all-seminars workbook and the number of seminars in it."""
    seminars = await repos.seminars.all()
    rows = await repos.exports.rows_by_seminar()
    exports = [SeminarExport(s, tuple(rows.get(s.id, ())), s.ends_at <= now) for s in seminars]
    content = await asyncio.to_thread(build_all_xlsx, exports, labels, tz)
    log.info("export all seminars=%d registrations=%d", len(exports), sum(map(len, rows.values())))
    return ExportFile(all_seminars_filename(now, tz), content), len(exports)
