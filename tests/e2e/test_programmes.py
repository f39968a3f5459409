"""Programmes through real HTTP: created in /programmes, three seminars attached, the rule
"attended at least 2" gives a certificate to Anna (three attended) and not to Boris (one)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import RunBot
from tests.e2e.test_certificates import is_pdf, pdf_text, pdfs
from tests.e2e.test_checkin import ADMIN_ID, ANNA, BORIS
from tests.e2e.test_online_and_attendance import seed_people

SEMINARS = ("Модуль 1: идея", "Модуль 2: финансы", "Модуль 3: отчётность")
UPCOMING = "Модуль 4: защита проектов"
PROGRAMME = "Школа социального предпринимателя — 2026"


async def seed_modules(db_path: Path) -> None:
    await seed_people(db_path, (ANNA, BORIS))
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        for weeks, title in enumerate(SEMINARS):
            seminar = await repos.seminars.create(
                title, "", now - timedelta(weeks=3 - weeks), "Тюмень", 20, None, now
            )
            for person in (ANNA, BORIS):
                registration = await repos.registrations.insert(
                    seminar.id, person.user_id, RegistrationStatus.CONFIRMED, now
                )
                if person is ANNA or weeks == 0:
                    await repos.attendance.mark(
                        registration.id, AttendanceKind.IN_PERSON, MarkMethod.LIST, ADMIN_ID, now
                    )
        await repos.seminars.create(UPCOMING, "", now + timedelta(weeks=1), "Тюмень", 20, None, now)
    finally:
        await db.close()


async def test_programme_rule_gives_a_certificate_to_one_and_not_the_other(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    await seed_modules(tmp_path / "bot.sqlite3")
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    boris = fake_api.user(BORIS.user_id, BORIS.first_name)
    await run_bot({"ADMIN_IDS": str(ADMIN_ID)})

    # A participant cannot use /programmes.
    await boris.send("/programmes")
    await boris.wait_message("только организаторам")

    await admin.send("/programmes")
    await admin.wait_message("Программ пока нет")
    await admin.press("Новая программа")
    await admin.wait_message("Название программы")
    await admin.send(PROGRAMME)
    await admin.wait_message("Сколько семинаров")
    for bad in ("два", "0", "1000"):
        await admin.send(bad)
        await admin.wait_message("целое число от 1 до 100")
    await admin.send("2")
    card = await admin.wait_message(f"Программа «{PROGRAMME}»")
    assert "в программе 0 семинаров" in (card.text or "")
    for title in SEMINARS:
        await admin.press("Добавить семинар")
        choice = await admin.wait_message("Какой семинар добавить")
        await admin.press(title, message_id=choice.message_id)
        card = await admin.wait_message(f"Программа «{PROGRAMME}»")
    text = card.text or ""
    assert "посетить не меньше 2 — в программе 3 семинара" in text
    assert "выполнили условие: 1 из 2" in text
    assert f"✅ {ANNA.full_name}: 3 из 3" in text and f"{BORIS.full_name}: 1 из 3" in text

    await admin.send("/certificates")
    picker = await admin.wait_message("Сертификаты за какой семинар")
    await admin.press(f"Программа: {PROGRAMME}", message_id=picker.message_id)
    preview = await admin.wait_message("Получат сейчас: 1")
    assert ANNA.full_name in (preview.text or "") and BORIS.full_name not in (preview.text or "")
    # The dates of the programme, first to last, as on the PDF.
    assert re.search(r"\(\d+ \w+ \d{4} — \d+ \w+ \d{4}\)", preview.text or "")
    assert preview.buttons == ["Выдать", "Другой семинар"]
    await admin.press("Выдать", message_id=preview.message_id)
    await admin.wait_edit(preview.message_id, "Выдан 1 сертификат")

    text = pdf_text(await anna.wait_message(predicate=is_pdf, timeout=60))
    assert ANNA.full_name in text and "по программе" in text
    assert "«Школа социального предпринимателя — 2026»" in text
    assert "6 часов" in text  # three seminars of two hours
    await boris.send("/help")
    await boris.wait_message("/seminars")
    assert pdfs(fake_api, BORIS.user_id) == []

    # /edit_seminar puts an upcoming seminar into the programme.
    await admin.send("/edit_seminar")
    await admin.wait_message("Какой семинар")
    await admin.press(UPCOMING)
    fields = await admin.wait_message("Что изменить")
    await admin.press("Программа обучения", message_id=fields.message_id)
    choice = await admin.wait_message("В какую программу")
    await admin.press(PROGRAMME, message_id=choice.message_id)
    await admin.wait_message(f"теперь входит в программу «{PROGRAMME}»")
    await admin.send("/programmes")
    listing = await admin.wait_message("Программы обучения")
    await admin.press(PROGRAMME, message_id=listing.message_id)
    card = await admin.wait_message(f"Программа «{PROGRAMME}»")
    assert "в программе 4 семинара" in (card.text or "") and UPCOMING in (card.text or "")
    fake_api.assert_no_rejections()
