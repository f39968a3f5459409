"""The programme report: periods, the numbers, and both files opened back."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.i18n import Translator
from bot.report_cli import run_report
from bot.services.report import ReportFiles, ReportService
from bot.services.report_docx import result_sentences
from bot.services.report_model import ReportHeading
from bot.services.report_period import Period, Preset, parse_range, preset_period
from bot.settings import Settings
from storage.database import Database
from tests.report_seed import (
    ANNA,
    BEST_QUOTE,
    BORIS,
    EXPECTED,
    GLEB,
    GONE,
    PEOPLE,
    REPORTING_TOPIC,
    VERA,
    ReportStory,
    seed_report_story,
)

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.sqlite3")
    await database.connect()
    yield database
    await database.close()


HEADING = ReportHeading(
    organisation="АНО «Центр социальных инноваций»",
    project="Школа социального предпринимательства",
    grant_agreement="№ 24-1-000123 от 01.06.2026",
)


def service(db: Database, heading: ReportHeading | None = None) -> ReportService:
    return ReportService(db, Translator.load(), TZ, lambda: NOW, heading)


def story_period(story: ReportStory) -> Period:
    return Period(story.first_day.astimezone(TZ).date(), story.last_day.astimezone(TZ).date())


async def report(
    db: Database, lang: str = "ru", heading: ReportHeading | None = None
) -> tuple[ReportStory, ReportFiles]:
    story = await seed_report_story(db, NOW)
    files = await service(db, heading).build(story_period(story), lang)
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
    assert summary.attendance_rate == pytest.approx(6 / 8)
    assert summary.response_rate == pytest.approx(3 / 6)  # ratings per visit
    assert [(need.topic, need.answers) for need in summary.needs] == [
        (REPORTING_TOPIC, 2),
        ("Социальная реклама", 1),
    ]


async def test_planned_start_survives_a_move(db: Database) -> None:
    story, files = await report(db)
    moved = next(line for line in files.summary.lines if line.seminar.id == story.moved.id)
    assert moved.seminar.planned_starts_at == story.moved_planned
    assert moved.seminar.starts_at == story.moved.starts_at != story.moved_planned


async def test_workbook_sheets_chart_and_privacy(db: Database) -> None:
    story, files = await report(db)
    book = load_workbook(io.BytesIO(files.xlsx))
    assert book.sheetnames == ["Сводка", "Мероприятия", "Посещаемость", "Организации", "Отзывы"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=3, values_only=True)}
    assert summary["Проведено семинаров"] == 2
    assert summary["Посещения"] == 6
    assert summary["Из них посещений людей, удалённых по их запросу"] == 2
    assert summary["Участники (разные люди)"] == 4
    assert summary["Из них удалили свои данные по своему запросу"] == 1
    assert summary["Доля посещений от записей, %"] == 75.0
    assert summary["Ответы из справочника (FAQ)"] == 2
    events = book["Мероприятия"]
    assert events.freeze_panes == "A2" and events.auto_filter.ref == "A1:K4"
    assert len(events._charts) == 1
    rows = list(events.iter_rows(min_row=2, values_only=True))
    moved = next(row for row in rows if row[0] == story.moved.title)
    planned = story.moved_planned.astimezone(TZ).replace(tzinfo=None)
    assert moved[4] == planned and isinstance(moved[5], datetime) and moved[5] != planned
    assert events.cell(row=2, column=5).number_format == "dd.mm.yyyy hh:mm"
    cancelled = next(row for row in rows if row[0] == story.cancelled.title)
    assert cancelled[5] == "отменён"
    assert cancelled[8] == "—"  # no attended figure: not a no-show
    held = next(row for row in rows if row[0] == story.held.title)
    assert held[9:] == (4.5, 2)  # the rating and how many ratings it rests on
    matrix = [row for row in book["Посещаемость"].iter_rows(values_only=True)]
    names = {row[0] for row in matrix}
    assert PEOPLE[GONE][0] not in names
    assert "Удалены по запросу (число)" in names
    totals = next(row for row in matrix if row[0] == "Итого")
    assert totals[-1] == 6
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
    assert "На проведённые семинары подано 8 заявок." in text
    assert "Семинары посетили 4 участника — 6 посещений (75,0 % записей)." in text
    forgotten = "В том числе 1 участник удалил свои данные по своему запросу: он учтён без имени."
    assert forgotten in text
    assert "новых (впервые пришли на семинар программы в этом периоде) — 3 участника" in text
    assert "вернувшихся (бывали на семинарах программы раньше) — 1 участник." in text
    assert "На двух семинарах периода и более побывали 2 участника." in text
    assert "Участники представляли 2 организации (список ниже)." in text
    assert "На 2 вопроса бот ответил сам из справочника частых вопросов." in text
    assert (
        "Отзывы с оценкой: 3 отзыва на 6 посещений (50,0 % посещений), авторы — 2 участника;"
        " средняя оценка — 4,0 из 5." in text
    )
    assert BEST_QUOTE in text
    assert "ССЫЛКИ НА ПУБЛИКАЦИИ" in text
    assert PEOPLE[GONE][0] not in text + cells


async def test_english_admin_gets_english_sheets_and_a_russian_draft(db: Database) -> None:
    _, files = await report(db, "en")
    assert load_workbook(io.BytesIO(files.xlsx)).sheetnames == [
        "Summary",
        "Events",
        "Attendance",
        "Organisations",
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


async def test_attendance_matrix_explains_its_marks(db: Database) -> None:
    _, files = await report(db)
    sheet = load_workbook(io.BytesIO(files.xlsx))["Посещаемость"]
    rows = list(sheet.iter_rows(values_only=True))
    anna = next(row for row in rows if row[0] == PEOPLE[ANNA][0])
    gleb = next(row for row in rows if row[0] == PEOPLE[GLEB][0])
    assert anna[2:] == (1, 1, 2)
    assert gleb[2:] == (0, None, 0)  # had a seat at the first, not registered for the second
    notes = [row[0] for row in rows[rows.index(next(r for r in rows if r[0] == "Итого")) + 1 :]]
    assert "1 — пришёл (очно или онлайн)." in notes
    assert "0 — был записан, но не пришёл." in notes
    assert "Пустая клетка — не был записан на этот семинар." in notes
    # The filter covers the people only: the counts of forgotten people, totals and notes
    # stay below it.
    last_person = rows.index(next(r for r in rows if r[0] == "Удалены по запросу (число)"))
    assert sheet.auto_filter.ref == f"A1:E{last_person}"


async def test_matrix_shows_organisations_as_the_organisations_sheet_does(db: Database) -> None:
    _, files = await report(db)
    book = load_workbook(io.BytesIO(files.xlsx))
    listed = {row[0] for row in book["Организации"].iter_rows(min_row=2, values_only=True)}
    matrix = {row[0]: row[1] for row in book["Посещаемость"].iter_rows(values_only=True)}
    assert PEOPLE[BORIS][1] != "НКО «Ромашка»"  # typed as «Ано "ромашка"»
    assert matrix[PEOPLE[BORIS][0]] == matrix[PEOPLE[ANNA][0]] == "НКО «Ромашка»"
    assert matrix[PEOPLE[VERA][0]] in listed


async def test_chart_shows_the_seminars_held_and_cancelled_ones_come_last(db: Database) -> None:
    story, files = await report(db)
    events = load_workbook(io.BytesIO(files.xlsx))["Мероприятия"]
    titles = [row[0] for row in events.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert titles == [story.held.title, story.moved.title, story.cancelled.title]
    [chart] = events._charts
    # Registered (H) and attended (I) of rows 2–3: the two seminars held.
    assert [series.val.numRef.f for series in chart.series] == [
        "'Мероприятия'!$H$2:$H$3",
        "'Мероприятия'!$I$2:$I$3",
    ]
    assert {series.cat.numRef.f for series in chart.series} == {"'Мероприятия'!$A$2:$A$3"}
    assert events.auto_filter.ref == "A1:K4"
    notes = [row[0] for row in events.iter_rows(min_row=5, values_only=True) if row[0]]
    assert notes == ["Отменённые семинары — в конце таблицы; на диаграмме — только проведённые."]


async def test_summary_sheet_starts_with_the_period_and_has_no_filter(db: Database) -> None:
    story, files = await report(db)
    sheet = load_workbook(io.BytesIO(files.xlsx))["Сводка"]
    period = story_period(story)
    first, header = list(sheet.iter_rows(max_row=2, values_only=True))
    assert first[0] == f"Отчётный период: с {period.first:%d.%m.%Y} по {period.last:%d.%m.%Y}."
    assert header == ("Показатель", "Значение", "Что считается")
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref is None


async def test_organisations_merged_and_listed_once(db: Database) -> None:
    _, files = await report(db)
    sheet = load_workbook(io.BytesIO(files.xlsx))["Организации"]
    rows = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert rows[:2] == ["НКО «Ромашка»", "Фонд «Свет»"]
    text = "\n".join(p.text for p in Document(io.BytesIO(files.docx)).paragraphs)
    assert "Организации-участники\nНКО «Ромашка»; Фонд «Свет».\n" in text
    assert "ромашка" not in text.replace("«Ромашка»", "")


async def test_document_heading_metadata_table_and_needs(db: Database) -> None:
    story, files = await report(db, heading=HEADING)
    document = Document(io.BytesIO(files.docx))
    assert document.core_properties.author == HEADING.organisation
    assert HEADING.project in document.core_properties.title
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Организация: {HEADING.organisation}" in text
    assert f"Проект: {HEADING.project}" in text
    assert f"Договор о предоставлении гранта: {HEADING.grant_agreement}" in text
    [table] = document.tables
    header = [cell.text for cell in table.rows[0].cells]
    assert header[-3:] == ["Записались", "Пришли", "Оценка"]
    by_title = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert by_title[story.held.title][-3:] == ["5", "4", "4,5 (2)"]
    assert by_title[story.moved.title][-3:] == ["3", "2", "3,0 (1)"]
    assert by_title[story.cancelled.title][-3:] == ["0", "—", "—"]
    needs = text[text.index("Потребности участников") :]
    assert f"{REPORTING_TOPIC} (2 ответа)" in needs
    assert "Социальная реклама (1 ответ)" in needs


async def test_files_metadata_name_the_author_the_period_and_the_build_moment(
    db: Database,
) -> None:
    story, files = await report(db, heading=ReportHeading(author="Бот семинаров"))
    first, last = story_period(story).first, story_period(story).last
    period = f"{first:%d.%m.%Y} – {last:%d.%m.%Y}"
    built = NOW.replace(tzinfo=None)
    properties = Document(io.BytesIO(files.docx)).core_properties
    assert properties.author == properties.last_modified_by == "Бот семинаров"
    assert properties.title == f"Аналитический отчёт о реализации программы (черновик), {period}"
    assert properties.comments == ""  # not the library's «generated by python-docx»
    assert properties.created == properties.modified == NOW
    book = load_workbook(io.BytesIO(files.xlsx)).properties
    assert book.creator == "Бот семинаров"
    assert book.title == f"Отчёт о реализации программы, {period}"
    assert book.created == built


async def test_no_questions_is_said_in_words(db: Database) -> None:
    _, files = await report(db)
    quiet = dataclasses.replace(files.summary, questions_asked=0, questions_answered=0)
    sentences = result_sentences(quiet, Translator.load().for_language("ru"))
    assert "Вопросов организаторам не было." in sentences
    assert not any("0 вопросов" in sentence for sentence in sentences)


async def test_command_line_takes_dates_as_the_bot_does(
    db: Database, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = await seed_report_story(db, datetime.now(UTC))
    await db.close()
    period = story_period(story)
    out = tmp_path / "out"
    argv = ["--from", f"{period.first:%d.%m.%Y}", "--to", f"{period.last:%d.%m.%Y}"]
    status = await asyncio.to_thread(run_report, settings, [*argv, "--out", str(out)])
    assert status == 0, capsys.readouterr()
    assert sorted(path.suffix for path in out.iterdir()) == [".docx", ".xlsx"]
