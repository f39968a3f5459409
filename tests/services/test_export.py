"""The export service: the produced CSV and XLSX files, parsed back as Excel would read them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import Translator
from bot.services.export import (
    ExportLabels,
    SeminarExport,
    SeminarFiles,
    build_all_xlsx,
    export_all,
    export_seminar,
    labels_for,
    neutralise,
    sheet_titles,
    slug,
)
from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus, Seminar, SeminarStatus
from storage.repositories import Repositories
from storage.repositories.exports import ExportRow
from tests.export_seed import ANNA, FORMULA, FORMULA_NAME, NOW, WAIT_1, WAIT_2, Story, seed_story

TZ = ZoneInfo("Asia/Yekaterinburg")
RU_HEADER = [
    "№",
    "ФИО",
    "Организация",
    "Телефон",
    "Имя пользователя в Telegram",
    "Telegram ID",
    "Статус",
    "Статус словами",
    "Место в листе ожидания",
    "Время записи, по тюменскому времени (МСК+2)",
    "Подтвердил участие по напоминанию",
    "Посещение",
]


@pytest.fixture
async def story(db: Database) -> Story:
    return await seed_story(db)


@pytest.fixture
def translator() -> Translator:
    return Translator.load()


def ru(translator: Translator) -> ExportLabels:
    return labels_for(translator.for_language("ru"), TZ)


async def export(db: Database, story: Story, labels: ExportLabels) -> SeminarFiles:
    files = await export_seminar(Repositories(db), story.seminar.id, labels, TZ, NOW)
    assert files is not None
    return files


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def sheet_rows(sheet: Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_file_names_carry_seminar_id_title_slug_and_local_date(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    name = f"seminar-{story.seminar.id}-socialnoe-predprinimatelstvo-start-2026-09-25"
    assert files.csv.filename == f"{name}.csv"
    assert files.xlsx.filename == f"{name}.xlsx"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Гранты для НКО: как подать заявку в 2027 году",
            "granty-dlya-nko-kak-podat-zayavku-v-2027",
        ),
        ("Щедрый ёжик", "schedryy-ezhik"),
        ("!!!", "seminar"),
        (
            "Соцпредпринимательствоссамогоначалабезпробелов",
            "socpredprinimatelstvossamogonachalabezpr",
        ),
    ],
)
def test_slug_is_short_latin_and_safe(title: str, expected: str) -> None:
    assert slug(title) == expected


async def test_csv_has_bom_semicolons_header_and_every_registration(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    assert files.csv.content.startswith(b"\xef\xbb\xbf")
    assert files.csv.content.decode("utf-8-sig").splitlines()[0] == ";".join(RU_HEADER)
    header, *rows = csv_rows(files.csv.content)
    assert header == RU_HEADER
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    # Confirmed in registration order, then the waitlist in its order, then cancelled.
    assert [row[6] for row in rows] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlist",
        "waitlist",
        "cancelled",
    ]
    assert [row[7] for row in rows] == ["записан(а)"] * 3 + ["в листе ожидания"] * 2 + [
        "запись отменена"
    ]
    assert [row[8] for row in rows] == ["", "", "", "1", "2", ""]
    anna = rows[0]
    # A phone number is not a formula: no apostrophe in front of it.
    assert anna[1:6] == [ANNA.full_name, ANNA.organisation, "+79991234567", "anna_ngo", "101"]
    # 12 days before NOW (10:00 UTC), shown in Asia/Yekaterinburg.
    assert anna[9] == "20.08.2026 15:00"
    assert anna[10] == "да"
    assert [row[10] for row in rows[1:]] == ["нет ответа"] * 4 + ["нет"]
    assert rows[3][1] == WAIT_1.full_name and rows[3][4] == ""
    assert rows[4][1] == WAIT_2.full_name


async def test_csv_neutralises_formulas_and_anonymises_forgotten_users(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    _, *rows = csv_rows(files.csv.content)
    formula = rows[1]
    assert formula[1] == "'" + FORMULA_NAME
    assert formula[2] == "'@evil"
    assert formula[3] == "'-1"
    assert formula[5] == str(FORMULA.user_id)
    gone = rows[2]
    assert gone[1] == "удалено по запросу"
    assert gone[2:6] == ["", "", "", ""]
    assert gone[6] == "confirmed"
    raw = files.csv.content.decode("utf-8-sig")
    assert "Сидоров" not in raw and "+79990000003" not in raw


async def test_xlsx_sheets_header_types_and_neutralised_cells(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    book = load_workbook(io.BytesIO(files.xlsx.content))
    assert book.sheetnames == ["Участники", "Семинар", "Лист регистрации", "Отзывы"]
    sheet = book["Участники"]
    assert [cell.value for cell in sheet[1]] == RU_HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L7"
    assert sheet.column_dimensions["B"].width >= len(ANNA.full_name)
    assert sheet.column_dimensions["J"].width >= len("20.08.2026 15:00")
    # Printing: A4 landscape, one page wide, the header row on every page.
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"

    rows = sheet_rows(sheet)[1:]
    assert [row[6] for row in rows] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlist",
        "waitlist",
        "cancelled",
    ]
    assert [row[8] for row in rows] == [None, None, None, 1, 2, None]
    assert rows[0][5] == ANNA.user_id
    assert (sheet["D2"].value, sheet["D2"].data_type) == ("+79991234567", "s")
    registered = sheet["J2"]
    assert registered.is_date
    assert registered.value == datetime(2026, 8, 20, 15, 0)
    assert registered.number_format == "dd.mm.yyyy hh:mm"

    # Text cells are never formulas in XLSX, so the text is kept exactly as typed.
    formula_cell = sheet["B3"]
    assert formula_cell.data_type == "s"
    assert formula_cell.value == FORMULA_NAME
    assert (sheet["C3"].value, sheet["D3"].value) == ("@evil", "-1")
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"

    assert rows[2][1] == "удалено по запросу"
    assert rows[2][2:6] == [None, None, None, None]


async def test_xlsx_details_sheet_describes_the_seminar(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    details = dict(
        (str(k), v) for k, v in sheet_rows(load_workbook(io.BytesIO(files.xlsx.content))["Семинар"])
    )
    assert details["Номер семинара"] == story.seminar.id
    assert details["Название"] == story.seminar.title
    assert details["Начало, по тюменскому времени (МСК+2)"] == datetime(2026, 9, 25, 15, 0)
    assert details["Вместимость"] == 3
    assert details["Подтверждено"] == 3
    assert details["В листе ожидания"] == 2
    assert details["Отменено"] == 1
    assert details["Подтвердили участие по напоминанию"] == 1
    assert details["Отказались по напоминанию"] == 1
    assert details["Выгружено, по тюменскому времени (МСК+2)"] == datetime(2026, 9, 1, 15, 0)


async def test_xlsx_sign_in_sheet_for_the_door(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, ru(translator))
    sheet = load_workbook(io.BytesIO(files.xlsx.content))["Лист регистрации"]
    header, *rows = sheet_rows(sheet)
    assert header == ["№", "ФИО", "Организация", "Подпись"]
    # Seat holders only, by name; a forgotten user has no name to sign against.
    assert rows == [
        [1, FORMULA_NAME, FORMULA.organisation, None],
        [2, ANNA.full_name, ANNA.organisation, None],
    ]
    assert sheet["B2"].data_type == "s"
    assert sheet.row_dimensions[2].height >= 30
    assert sheet.print_title_rows == "$1:$1"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)


async def test_english_headers_keep_literal_statuses(
    db: Database, story: Story, translator: Translator
) -> None:
    files = await export(db, story, labels_for(translator.for_language("en"), TZ))
    header, *rows = csv_rows(files.csv.content)
    assert header[:3] == ["No.", "Full name", "Organisation"]
    assert rows[2][1] == "deleted on request"
    assert [row[6] for row in rows][-1] == "cancelled"
    assert [row[7] for row in rows][-1] == "registration cancelled"
    assert "Tyumen time (UTC+5)" in header[9]
    assert [row[10] for row in rows] == [
        "yes",
        "no answer",
        "no answer",
        "no answer",
        "no answer",
        "no",
    ]
    book = load_workbook(io.BytesIO(files.xlsx.content))
    assert book.sheetnames == ["Participants", "Seminar", "Sign-in sheet", "Feedback"]


async def test_unknown_seminar_gives_none(db: Database, translator: Translator) -> None:
    assert await export_seminar(Repositories(db), 404, ru(translator), TZ, NOW) is None


async def test_export_all_has_summary_and_a_sheet_per_seminar(
    db: Database, story: Story, translator: Translator
) -> None:
    file, count = await export_all(Repositories(db), ru(translator), TZ, NOW)
    assert count == 3
    assert file.filename == "seminars-all-2026-09-01.xlsx"
    book = load_workbook(io.BytesIO(file.content))
    past, cancelled, main = story.past, story.cancelled, story.seminar
    assert book.sheetnames == [
        "Сводка",
        f"{past.id} Гранты для НКО",
        # [ ] : ? are not allowed in sheet titles; 31 characters at most.
        f"{cancelled.id} Отменённый черновик план",
        f"{main.id} Социальное предпринимательство"[:31],
    ]
    summary = book["Сводка"]
    assert summary.freeze_panes == "A2"
    assert all(cell.font.bold for cell in summary[1])
    header, *rows = sheet_rows(summary)
    assert header == [
        "Номер",
        "Семинар",
        "Дата, по тюменскому времени (МСК+2)",
        "Статус семинара",
        "Вместимость",
        "Подтверждено",
        "Лист ожидания",
        "Отменено",
        "Подтвердили участие",
        "Пришли (очно и онлайн)",
    ]
    by_id = {row[0]: row for row in rows}
    assert by_id[main.id][1:] == [
        main.title,
        datetime(2026, 9, 25, 15, 0),
        "опубликован",
        3,
        3,
        2,
        1,
        1,
        None,  # not over yet
    ]
    assert by_id[cancelled.id][3] == "отменён"
    assert by_id[past.id][5] == 1
    assert by_id[past.id][9] == 0  # over, and nobody was checked in
    main_sheet = book[book.sheetnames[3]]
    assert main_sheet["B3"].value == FORMULA_NAME
    assert main_sheet["B3"].data_type == "s"
    assert main_sheet["J2"].is_date


async def test_attendance_column_is_empty_until_the_end_then_attended_online_or_no_show(
    db: Database, story: Story, translator: Translator
) -> None:
    repos = Repositories(db)
    seminar = story.seminar
    rows = await repos.exports.rows(seminar.id)
    anna = next(row for row in rows if row.user_id == ANNA.user_id)
    formula = next(row for row in rows if row.user_id == FORMULA.user_id)
    await repos.attendance.mark(
        anna.registration_id, AttendanceKind.IN_PERSON, MarkMethod.TICKET, 1, NOW
    )
    await repos.attendance.mark(
        formula.registration_id, AttendanceKind.ONLINE, MarkMethod.JOIN, None, NOW
    )
    during = await export_seminar(repos, seminar.id, ru(translator), TZ, seminar.starts_at)
    assert during is not None
    assert [row[11] for row in csv_rows(during.csv.content)[1:]] == [""] * 6

    after = await export_seminar(repos, seminar.id, ru(translator), TZ, seminar.ends_at)
    assert after is not None
    header, *lines = csv_rows(after.csv.content)
    assert header[11] == "Посещение"
    # Seat holders: Anna, the formula name, the anonymised one; then waitlist, cancelled.
    expected = ["attended", "online", "no-show", "", "", ""]
    assert [row[11] for row in lines] == expected
    sheet = load_workbook(io.BytesIO(after.xlsx.content))["Участники"]
    assert [sheet.cell(row, 12).value or "" for row in range(2, 8)] == expected
    details = dict(sheet_rows(load_workbook(io.BytesIO(after.xlsx.content))["Семинар"]))
    assert (details["Пришли очно"], details["Подключились онлайн"]) == (1, 1)


def test_sheet_titles_are_valid_and_unique() -> None:
    long = "Очень длинное название семинара про гранты"
    titles = sheet_titles(["Summary", "a/b\\c*d?e[f]g:h", long, long, "summary", "'quoted'", ""])
    assert titles[0] == "Summary"
    assert titles[1] == "a b c d e f g h"
    assert titles[2] == long[:31]
    assert titles[3] == long[:27].rstrip() + " (2)"
    assert titles[4] == "summary (2)"
    assert titles[5] == "quoted"
    assert titles[6] == "Sheet"
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)


@pytest.mark.parametrize(
    "text", ["=1+1", "+7999", "+1+2", "-2", "-79991234567", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_neutralise_prefixes_formula_triggers(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Анна", "1+1", " =1", "", "'=already", "+79991234567", "+7 (912) 345-67-89"]
)
def test_neutralise_leaves_plain_text(text: str) -> None:
    assert neutralise(text) == text


def test_control_character_cannot_hide_a_formula(translator: Translator) -> None:
    """A control character XLSX cannot hold is dropped before the formula check."""
    seminar = Seminar(
        1, "\x01=T", "", NOW + timedelta(days=1), 120, "x", 1, SeminarStatus.PUBLISHED, None, NOW
    )
    row = ExportRow(
        1,
        1,
        7,
        "\x02=cmd|' /C calc'!A0",
        "o",
        "p",
        "u",
        RegistrationStatus.CONFIRMED,
        None,
        datetime(2026, 9, 1, tzinfo=UTC),
        None,
    )
    content = build_all_xlsx([SeminarExport(seminar, (row,))], ru(translator), TZ)
    book = load_workbook(io.BytesIO(content))
    sheet = book[book.sheetnames[1]]
    assert sheet["B2"].value == "=cmd|' /C calc'!A0"
    assert sheet["B2"].data_type == "s"
    assert (book["Сводка"]["B2"].value, book["Сводка"]["B2"].data_type) == ("=T", "s")


def test_text_that_looks_like_an_error_or_formula_stays_text(translator: Translator) -> None:
    seminar = Seminar(
        1, "#N/A", "", NOW + timedelta(days=1), 120, "x", 1, SeminarStatus.PUBLISHED, None, NOW
    )
    row = ExportRow(
        1, 1, 7, "#DIV/0!", "=1+2", "p", "u",
        RegistrationStatus.CONFIRMED, None, datetime(2026, 9, 1, tzinfo=UTC), None,
    )  # fmt: skip
    book = load_workbook(
        io.BytesIO(build_all_xlsx([SeminarExport(seminar, (row,))], ru(translator), TZ))
    )
    sheet = book[book.sheetnames[1]]
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("#DIV/0!", "s")
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("=1+2", "s")
    assert (book["Сводка"]["B2"].value, book["Сводка"]["B2"].data_type) == ("#N/A", "s")
