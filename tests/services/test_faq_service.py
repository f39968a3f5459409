"""FAQ import into the database (upsert, removal, organisers' entries kept) and lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.services.faq import short_key
from bot.services.faq_file import FaqFileError
from storage.models import FaqSource
from storage.repositories import Repositories
from tests.services.conftest import FakeClock

FILE_V1 = """
- id: grants
  category: Поддержка
  question: Где взять грант для НКО?
  aliases: [Гранты для некоммерческих организаций]
  answer: Грант можно получить в фонде президентских грантов.
- id: status
  category: Поддержка
  question: Как получить статус социального предприятия?
  answer: Подайте заявление в центр «Мой бизнес».
- id: grants-en
  lang: en
  category: Support
  question: Where can an NGO get a grant?
  answer: From the presidential grants fund.
"""

FILE_V2 = """
- id: grants
  category: Поддержка
  question: Где взять грант для НКО?
  answer: Новый текст ответа про гранты.
- id: reminders
  category: Бот
  question: Когда придёт напоминание?
  answer: За сутки и за час до начала.
"""


def write(tmp_path: Path, text: str, name: str = "faq.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_import_upserts_removes_and_keeps_organiser_entries(
    app: App, tmp_path: Path, clock: FakeClock
) -> None:
    repos = Repositories(app.db)
    summary = await app.faq.import_file(write(tmp_path, FILE_V1))
    assert (summary.imported, summary.removed) == (3, 0)
    await repos.faq.upsert(
        "question-7", "ru", "Вопросы участников", "Есть ли парковка?", (), "Да, во дворе.",
        FaqSource.ORGANISER, clock(),
    )  # fmt: skip

    summary = await app.faq.import_file(write(tmp_path, FILE_V2))

    assert (summary.imported, summary.removed) == (2, 2)  # status and grants-en left the file
    rows = {record.id: record for record in await repos.faq.all()}
    assert set(rows) == {"grants", "reminders", "question-7"}
    assert rows["grants"].answer == "Новый текст ответа про гранты."
    assert rows["grants"].aliases == ()
    assert rows["question-7"].source is FaqSource.ORGANISER
    # The in-memory view follows the database, the organiser's entry included.
    assert app.faq.get("status") is None
    assert [e.id for e in app.faq.search("парковка есть?", "ru")] == ["question-7"]
    assert [e.id for e in app.faq.search("гранты для нко", "ru")][:1] == ["grants"]


async def test_invalid_file_stops_import_and_leaves_the_database_alone(
    app: App, tmp_path: Path
) -> None:
    await app.faq.import_file(write(tmp_path, FILE_V1))
    broken = write(tmp_path, FILE_V1 + "- id: grants\n  question: Ещё раз?\n  answer: Дубль.\n")

    with pytest.raises(FaqFileError, match=r"entry #4 \(id 'grants'\): duplicate id"):
        await app.faq.import_file(broken)
    missing = write(tmp_path, "- id: lonely\n  question: Вопрос без ответа?\n", "missing.yml")
    with pytest.raises(FaqFileError, match=r"entry #1 \(id 'lonely'\): missing 'answer'"):
        await app.faq.import_file(missing)
    with pytest.raises(FaqFileError, match="expected a list"):
        await app.faq.import_file(write(tmp_path, "id: x\n", "mapping.yml"))

    assert len(await Repositories(app.db).faq.all()) == 3


async def test_categories_keys_and_language_fallback(app: App, tmp_path: Path) -> None:
    await app.faq.import_file(write(tmp_path, FILE_V1))

    ru = app.faq.categories("ru")
    assert [(c.title, [e.id for e in c.entries]) for c in ru] == [
        ("Поддержка", ["grants", "status"])
    ]
    assert [c.title for c in app.faq.categories("en")] == ["Support"]
    assert app.faq.category(ru[0].key) == ru[0]
    grants = app.faq.get("grants")
    assert grants is not None
    key = app.faq.key_of(grants)
    assert key == short_key("grants") and len(key) == 12
    assert app.faq.entry(key) == grants
    assert app.faq.category_of(grants) == ru[0]
    assert app.faq.entry("forged") is None and app.faq.category("nope") is None
    # An English speaker typing Russian still gets the Russian answer.
    assert [e.id for e in app.faq.search("статус социального предприятия", "en")] == ["status"]
    assert app.faq.search("какая погода завтра?", "ru") == []


async def test_bundled_file_imports(app: App) -> None:
    summary = await app.faq.import_file(app.settings.faq_path)

    assert summary.imported == 94
    assert len(app.faq.categories("ru")) == 5 and len(app.faq.categories("en")) == 5
