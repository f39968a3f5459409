"""/export and /stats through the dispatcher: documents sent, refusals, buttons, messages."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook

from bot.app import App, build_app
from bot.settings import Settings
from tests.export_seed import FORMULA_NAME, NOW, Story, seed_story
from tests.handlers.conftest import ADMIN_ID
from tests.handlers.rig import UpdateFactory, feed
from tests.recording import RecordingSession

STRANGER = 555

SLUG = "socialnoe-predprinimatelstvo-start"  # the seeded title, transliterated


@pytest.fixture
async def app(tmp_path: Path, session: RecordingSession) -> AsyncIterator[App]:
    """The app with its clock fixed at the seeded story's NOW."""
    settings = Settings(
        bot_token="123456:TEST-token",  # type: ignore[arg-type]
        database_path=tmp_path / "bot.sqlite3",
        admin_ids=frozenset({ADMIN_ID}),
        _env_file=None,  # type: ignore[call-arg]
    )
    application = build_app(settings, clock=lambda: NOW, session=session)
    await application.db.connect()
    yield application
    await application.db.close()


@pytest.fixture
async def story(app: App) -> Story:
    return await seed_story(app.db)


def documents(session: RecordingSession) -> list[BufferedInputFile]:
    files = []
    for call in session.of_type(SendDocument):
        assert isinstance(call.document, BufferedInputFile)
        files.append(call.document)
    return files


async def test_export_by_id_sends_csv_and_xlsx(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    sid = story.seminar.id
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), f"/export {sid}"))
    csv_file, xlsx_file = documents(session)
    assert csv_file.filename == f"seminar-{sid}-{SLUG}-2026-09-25.csv"
    assert xlsx_file.filename == f"seminar-{sid}-{SLUG}-2026-09-25.xlsx"
    [first, _] = session.of_type(SendDocument)
    assert first.chat_id == ADMIN_ID
    assert "Подтверждено: 3, лист ожидания: 2, отменено: 1" in (first.caption or "")

    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 7
    assert rows[2][1] == "'" + FORMULA_NAME
    book = load_workbook(io.BytesIO(xlsx_file.data))
    assert book["Участники"]["B3"].value == FORMULA_NAME  # a text cell: kept as typed


async def test_export_in_english_for_english_admin(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID, language_code="en")
    await feed(app, updates.message(admin, f"/export {story.seminar.id}"))
    csv_file, _ = documents(session)
    header = csv_file.data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("No.;Full name;Organisation;Phone")


@pytest.mark.parametrize("argument", ["404", "#404", "№ 404"])
async def test_unknown_seminar_is_reported(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory, argument: str
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), f"/export {argument}"))
    assert session.texts(ADMIN_ID) == [
        "Семинар № 404 не найден. Список семинаров — /export без номера."
    ]
    assert documents(session) == []


@pytest.mark.parametrize("argument", ["abc", "1 2", "-3", "1.5"])
async def test_garbage_argument_gets_usage(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory, argument: str
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), f"/export {argument}"))
    [text] = session.texts(ADMIN_ID)
    assert "/export &lt;номер семинара&gt;" in text
    assert documents(session) == []


async def test_export_without_argument_offers_buttons_that_export(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    admin = updates.tg_user(ADMIN_ID)
    await feed(app, updates.message(admin, "/export"))
    [prompt] = session.of_type(SendMessage)
    buttons = [row[0] for row in prompt.reply_markup.inline_keyboard]
    texts = [button.text for button in buttons]
    # The past seminar (5 days ago), the cancelled one and the upcoming one, by start time.
    assert texts[0].endswith("· Гранты для НКО")
    assert texts[1].endswith("· Отменённый [черновик]: план? (отменён)")
    assert texts[2].endswith("· Социальное предпринимательство: старт")
    assert texts[3] == "📚 Все семинары (XLSX)"
    assert all(str(b.callback_data).startswith("adm") for b in buttons)

    await feed(app, updates.callback(admin, str(buttons[2].callback_data)))
    assert [f.filename for f in documents(session)] == [
        f"seminar-{story.seminar.id}-{SLUG}-2026-09-25.csv",
        f"seminar-{story.seminar.id}-{SLUG}-2026-09-25.xlsx",
    ]

    await feed(app, updates.callback(admin, str(buttons[3].callback_data)))
    all_file = documents(session)[-1]
    assert all_file.filename == "seminars-all-2026-09-01.xlsx"
    assert load_workbook(io.BytesIO(all_file.data)).sheetnames[0] == "Сводка"


async def test_export_all_command(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/export all"))
    [file] = documents(session)
    book = load_workbook(io.BytesIO(file.data))
    assert len(book.sheetnames) == 4
    [call] = session.of_type(SendDocument)
    assert call.caption == "Все семинары: 3 семинара, сводка на первом листе."


async def test_export_with_no_seminars(
    app: App, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/export"))
    assert session.texts(ADMIN_ID) == ["Семинаров пока нет — выгружать нечего."]


async def test_export_refused_in_group_chat(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    message = updates.message(updates.tg_user(ADMIN_ID), f"/export {story.seminar.id}", -100)
    await feed(app, message)
    assert documents(session) == []
    assert "только в личном чате" in session.texts(-100)[0]


async def test_non_admin_gets_refusal_and_no_file(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    stranger = updates.tg_user(STRANGER)
    await feed(app, updates.message(stranger, f"/export {story.seminar.id}"))
    await feed(app, updates.message(stranger, "/export all"))
    await feed(app, updates.callback(stranger, f"adm_exp:{story.seminar.id}"))
    await feed(app, updates.callback(stranger, "adm_expall"))
    await feed(app, updates.message(stranger, "/stats"))
    assert documents(session) == []
    refusal = "Эта команда доступна только организаторам."
    assert session.texts(STRANGER) == [refusal] * 3
    assert [a.text for a in session.of_type(AnswerCallbackQuery)] == [refusal] * 2


async def test_stats_show_the_seeded_numbers(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID), "/stats"))
    [text] = session.texts(ADMIN_ID)
    # The admin who asked is a user too.
    assert "Всего: 7\nАктивные: 6\nЗаблокировали бота: 1" in text
    assert "Предстоящие: 1\nПрошедшие: 1\nОтменённые: 1" in text
    assert "Подтверждённые: 4" in text
    assert "В листе ожидания: 2" in text
    assert "Отменённые: 1" in text
    assert (
        "Социальное предпринимательство: старт: 3 из 3 мест (100%), ещё 2 человека в листе ожидания"
    ) in text
    assert "Открытые: 1\nОтвеченные: 3\nМедианное время ответа: 2 часа" in text
    assert "записавшимся на «Социальное предпринимательство: старт» (завершена): " in text
    assert "3 получателя; доставлено: 2, заблокировали бота: 1, ошибки: 0" in text


async def test_stats_in_english(
    app: App, story: Story, session: RecordingSession, updates: UpdateFactory
) -> None:
    await feed(app, updates.message(updates.tg_user(ADMIN_ID, language_code="en"), "/stats"))
    [text] = session.texts(ADMIN_ID)
    assert "Total: 7\nActive: 6\nBlocked the bot: 1" in text
    assert "3 of 3 seats (100%), 2 more people on the waitlist" in text
    assert "Median time to answer: 2 hours" in text
    assert "3 recipients; delivered: 2, blocked the bot: 1, failed: 0" in text
