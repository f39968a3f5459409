"""The programme report: periods, the numbers, and both files opened back."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.i18n import Translator
from bot.services.report import ReportFiles, ReportService
from bot.services.report_period import Period, Preset, parse_range, preset_period
from storage.database import Database
from tests.report_seed import BEST_QUOTE, EXPECTED, GONE, PEOPLE, ReportStory, seed_report_story

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.sqlite3")
    await database.connect()
    yield database
    await database.close()


def service(db: Database) -> ReportService:
    return ReportService(db, Translator.load(), TZ, lambda: NOW)


def story_period(story: ReportStory) -> Period:
    return Period(story.first_day.astimezone(TZ).date(), story.last_day.astimezone(TZ).date())


async def report(db: Database, lang: str = "ru") -> tuple[ReportStory, ReportFiles]:
    story = await seed_report_story(db, NOW)
    files = await service(db).build(story_period(story), lang)
    assert files is not None
    return story, files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.09.2026–31.12.2026", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("01.09.2026-31.12.2026", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("1.9.2026 - 31.12.2026", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("2026-09-01 2026-12-31", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("2026-09-01–2026-12-31", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("2026-09-01-2026-12-31", Period(date(2026, 9, 1), date(2026, 12, 31))),
        ("31.12.2026–01.09.2026", None),
        ("31.02.2026–01.03.2026", None),
        ("01.01.2000–01.01.2030", None),
        ("вчера", None),
        ("1" * 5000, None),
    ],
)
def test_typed_ranges(text: str, expected: Period | None) -> None:
    assert parse_range(text) == expected


def test_presets_follow_the_calendar() -> None:
    today = date(2026, 11, 20)
    seminars = Period(date(2025, 2, 3), date(2027, 1, 15))
    assert preset_period(Preset.THIS_MONTH, today, None) == Period(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    assert preset_period(Preset.LAST_MONTH, today, None) == Period(
        date(2026, 10, 1), date(2026, 10, 31)
    )
    assert preset_period(Preset.THIS_QUARTER, today, None) == Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )
    assert preset_period(Preset.THIS_YEAR, today, None) == Period(
        date(2026, 1, 1), date(2026, 12, 31)
    )
    assert preset_period(Preset.ALL_TIME, today, seminars) == seminars
    january = date(2027, 1, 5)
    assert preset_period(Preset.LAST_MONTH, january, None) == Period(
        date(2026, 12, 1), date(2026, 12, 31)
    )


async def test_summary_equals_the_story_count(db: Database) -> None:
    _, files = await report(db)
    summary = files.summary
    for name, value in EXPECTED.items():
        assert getattr(summary, name) == value, name
    assert summary.attendance_rate == pytest.approx(5 / 7)
    assert summary.response_rate == pytest.approx(3 / 5)


async def test_planned_start_survives_a_move(db: Database) -> None:
    story, files = await report(db)
    moved = next(line for line in files.summary.lines if line.seminar.id == story.moved.id)
    assert moved.seminar.planned_starts_at == story.moved_planned
    assert moved.seminar.starts_at == story.moved.starts_at != story.moved_planned


async def test_workbook_sheets_chart_and_privacy(db: Database) -> None:
    story, files = await report(db)
    book = load_workbook(io.BytesIO(files.xlsx))
    assert book.sheetnames == ["Сводка", "Мероприятия", "Посещаемость", "Отзывы"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=2, values_only=True)}
    assert summary["Проведено семинаров"] == 2
    assert summary["Посещения"] == 5
    assert summary["Доля пришедших от записавшихся, %"] == 71.4
    assert summary["Ответы из справочника (FAQ)"] == "бот их не учитывает"
    events = book["Мероприятия"]
    assert events.freeze_panes == "A2" and events.auto_filter.ref == "A1:J4"
    assert len(events._charts) == 1
    rows = list(events.iter_rows(min_row=2, values_only=True))
    moved = next(row for row in rows if row[0] == story.moved.title)
    planned = story.moved_planned.astimezone(TZ).replace(tzinfo=None)
    assert moved[4] == planned and isinstance(moved[5], datetime) and moved[5] != planned
    cancelled = next(row for row in rows if row[0] == story.cancelled.title)
    assert cancelled[5] == "отменён"
    matrix = [row for row in book["Посещаемость"].iter_rows(values_only=True)]
    names = {row[0] for row in matrix}
    assert PEOPLE[GONE][0] not in names
    assert "Удалены по запросу (число)" in names
    assert matrix[-1][0] == "Итого" and matrix[-1][-1] == 5
    for sheet in ("Сводка", "Мероприятия", "Отзывы"):
        text = " ".join(str(v) for row in book[sheet].iter_rows(values_only=True) for v in row)
        assert PEOPLE[GONE][0] not in text


async def test_document_tells_the_period_dates_and_numbers(db: Database) -> None:
    story, files = await report(db)
    document = Document(io.BytesIO(files.docx))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    period = story_period(story)
    assert f"с {period.first:%d.%m.%Y} по {period.last:%d.%m.%Y}" in text
    assert f"{story.moved_planned.astimezone(TZ):%d.%m.%Y %H:%M}" in cells
    assert f"{story.moved.starts_at.astimezone(TZ):%d.%m.%Y %H:%M}" in cells
    assert "отменён" in cells
    assert "Проведено 2 семинара." in text
    assert "Отменён 1 семинар." in text
    assert "На проведённые семинары подано 7 заявок." in text
    assert "Семинары посетили 5 участников — 71,4 % записавшихся." in text
    assert "Всего в программе участвовали 4 человека." in text
    assert "Участники представляли 2 организации." in text
    assert "Отзывы оставили 3 участника (60,0 % пришедших), средняя оценка — 4,0 из 5." in text
    assert BEST_QUOTE in text
    assert "ССЫЛКИ НА ПУБЛИКАЦИИ" in text
    assert PEOPLE[GONE][0] not in text + cells


async def test_english_admin_gets_english_sheets_and_a_russian_draft(db: Database) -> None:
    _, files = await report(db, "en")
    assert load_workbook(io.BytesIO(files.xlsx)).sheetnames == [
        "Summary",
        "Events",
        "Attendance",
        "Feedback",
    ]
    assert "Отчётный период" in Document(io.BytesIO(files.docx)).paragraphs[1].text


async def test_empty_period_gives_no_files(db: Database) -> None:
    await seed_report_story(db, NOW)
    assert await service(db).build(Period(date(2020, 1, 1), date(2020, 12, 31)), "ru") is None


async def test_feedback_sheet_has_comments_without_names(db: Database) -> None:
    _, files = await report(db)
    sheet = load_workbook(io.BytesIO(files.xlsx))["Отзывы"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Семинар", "Оценка", "Самое полезное", "Тема следующих семинаров")
    assert sorted(row[1] for row in rows[1:]) == [3, 4, 5]
    assert BEST_QUOTE in {row[2] for row in rows[1:]}
    text = " ".join(str(value) for row in rows for value in row)
    assert not any(name in text for name, _ in PEOPLE.values())
