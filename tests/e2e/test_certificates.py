"""Certificates through real HTTP against the bot process.

An admin issues a past seminar's certificates: attendees get a PDF holding their name,
the title and the number; the no-show does not. Anyone verifies a real number (initials
only) and a forged one; /my sends a holder's certificate again. A SIGKILL in the middle of
sending many certificates: after the restart nobody has two, and the one in flight at
the kill is reported as uncertain with a resend button.
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from storage.database import Database
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, RunBot
from tests.e2e.test_checkin import ADMIN_ID, ANNA, BORIS, OLEG
from tests.e2e.test_online_and_attendance import seed_past_seminar

PAST = "Прошедший семинар"


def is_pdf(message: BotMessage) -> bool:
    return (message.document_name or "").endswith(".pdf")


def pdf_text(message: BotMessage) -> str:
    assert message.document_bytes is not None
    reader = PdfReader(io.BytesIO(message.document_bytes))
    return " ".join(reader.pages[0].extract_text().split())


def pdfs(fake_api: FakeBotAPI, chat_id: int) -> list[BotMessage]:
    return [m for m in fake_api.messages(chat_id) if is_pdf(m)]


async def test_issue_verify_and_send_again(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await seed_past_seminar(db_path)  # Anna in person, Boris online, Oleg a no-show
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    boris = fake_api.user(BORIS.user_id, BORIS.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name)
    env = {"ADMIN_IDS": str(ADMIN_ID)}
    bot = await run_bot(env)

    # A participant pressing the admin's button gets nothing.
    await admin.send("/certificates")
    picker = await admin.wait_message("Сертификаты за какой семинар")
    data = next(b["callback_data"] for b in picker.inline_buttons if PAST in b["text"])
    await oleg.send("/help")
    own = await oleg.wait_message("/seminars")
    refused = await oleg.press_data(data, own.message_id)
    assert "только организаторам" in (await fake_api.wait_callback_answer(refused)).get("text", "")

    await admin.press(PAST, message_id=picker.message_id)
    preview = await admin.wait_message("Получат сейчас: 2")
    assert ANNA.full_name in (preview.text or "") and BORIS.full_name in (preview.text or "")
    assert OLEG.full_name not in (preview.text or "")
    issue_data = next(b["callback_data"] for b in preview.inline_buttons if b["text"] == "Выдать")
    await admin.press("Выдать", message_id=preview.message_id)
    # The preview itself says they are being sent; the report follows, like a broadcast's.
    issued = await admin.wait_edit(preview.message_id, "Выдано 2 сертификата")
    assert issued.buttons == []
    report = await admin.wait_message("Доставлено: 2", timeout=60)
    assert "Неизвестно (бот перезапускался во время отправки): 0" in (report.text or "")
    assert report.buttons == []
    # A second press of Выдать issues nothing and leaves the line as it is.
    again = await admin.press_data(issue_data, preview.message_id)
    assert "выдавать некому" in (await fake_api.wait_callback_answer(again)).get("text", "")
    assert "Выдано 2 сертификата" in (issued.text or "")
    # A forged resend: refused to a participant, nothing to resend for an admin.
    refused = await oleg.press_data("adm_bres:certificate:1", own.message_id)
    assert "только организаторам" in (await fake_api.wait_callback_answer(refused)).get("text", "")
    await admin.press_data("adm_bres:nonsense:99999", report.message_id)
    await admin.wait_message("Некому отправлять ещё раз")

    certificate = await anna.wait_message(predicate=is_pdf, timeout=60)
    text = pdf_text(certificate)
    assert ANNA.full_name in text and PAST in text
    match = re.search(r"SE-[A-Z0-9]{8}", text)
    assert match is not None
    number = match.group(0)
    assert certificate.document_name == f"Сертификат {number}.pdf"
    assert f"t.me/{BOT_USERNAME}?start=v_{number}" in text  # the written instruction
    assert BORIS.full_name in pdf_text(await boris.wait_message(predicate=is_pdf, timeout=60))

    # Anyone can check it: initials only. A forged number says "not found", nothing else.
    await oleg.send(f"/start v_{number}")
    genuine = (await oleg.wait_message("подлинный")).text or ""
    assert "Иванова А." in genuine and ANNA.full_name not in genuine and PAST in genuine
    for forged in ("v_SE-AAAAAAAA", "v_' OR 1=1 --", "v_" + "9" * 60):
        await oleg.send(f"/start {forged}")
        answer = await oleg.wait_message("не найден")
        assert (answer.text or "").strip() == "❌ Сертификат с таким номером не найден."
    assert f"t.me/{BOT_USERNAME}?start=v_{number}" not in genuine  # no link back to the file

    # /my → My certificates sends the same certificate again.
    await anna.send("/my")
    await anna.wait_message("Мои записи")
    await anna.press("Мои сертификаты")
    again = await anna.wait_message(predicate=is_pdf)
    assert number in pdf_text(again)

    # Issuing again issues nothing new; a restart sends nothing twice.
    await admin.press(PAST, message_id=picker.message_id)
    second = await admin.wait_message("Получат сейчас: 0")
    assert "Новых сертификатов выдавать некому" in (second.text or "")
    assert second.buttons == ["Другой семинар"]  # nothing to issue, but a way on
    await admin.press("Другой семинар", message_id=second.message_id)
    await admin.wait_message("Сертификаты за какой семинар")
    assert await bot.stop() == 0
    await run_bot(env)
    await boris.send("/help")
    await boris.wait_message("/seminars")
    assert len(pdfs(fake_api, ANNA.user_id)) == 2  # the issued one and the one asked for
    assert len(pdfs(fake_api, BORIS.user_id)) == 1
    assert pdfs(fake_api, OLEG.user_id) == []
    fake_api.assert_no_rejections()


HOLDERS = 40


async def seed_attendees(db_path: Path) -> list[int]:
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        seminar = await repos.seminars.create(
            "Большой семинар", "", now - timedelta(hours=4), "Тюмень", 100, None, now
        )
        ids = []
        for number in range(HOLDERS):
            user_id = 5000 + number
            ids.append(user_id)
            await repos.users.record_seen(user_id, f"U{number}", None, None, "ru", now)
            await repos.profiles.save(
                user_id, f"Участник Номер{number}", "НКО", "+79990000000", now, now
            )
            registration = await repos.registrations.insert(
                seminar.id, user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=1)
            )
            await repos.attendance.mark(
                registration.id, AttendanceKind.IN_PERSON, MarkMethod.LIST, ADMIN_ID, now
            )
        return ids
    finally:
        await db.close()


async def test_sigkill_while_sending_certificates_sends_none_twice_and_reports_uncertain(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    holders = await seed_attendees(db_path)
    for user_id in holders:
        fake_api.user(user_id, f"U{user_id}")
    admin = fake_api.user(ADMIN_ID, "Ирина")
    env = {"ADMIN_IDS": str(ADMIN_ID), "BROADCAST_RATE": "8"}
    bot = await run_bot(env)
    await admin.send("/certificates")
    await admin.press(
        "Большой семинар",
        message_id=(await admin.wait_message("Сертификаты за какой семинар")).message_id,
    )
    preview = await admin.wait_message(f"Получат сейчас: {HOLDERS}")
    await admin.press("Выдать", message_id=preview.message_id)

    def received() -> int:
        return sum(1 for user_id in holders if pdfs(fake_api, user_id))

    assert await fake_api.world.wait_for(lambda: received() >= 10, timeout=60)
    bot.kill()  # SIGKILL in the middle of sending
    await bot.process.wait()
    assert received() < HOLDERS
    with sqlite3.connect(db_path) as conn:
        in_flight = {
            row[0]
            for row in conn.execute(
                "SELECT chat_id FROM outbox WHERE kind = 'certificate' AND status = 'sending'"
            )
        }
    await run_bot(env)

    # The restarted bot sends the rest, never twice, and reports: the ones in flight at
    # the kill are "uncertain" (delivered or not, unknown), with a button to send again.
    report = await admin.wait_message("Доставлено", timeout=120)
    counts = {user_id: len(pdfs(fake_api, user_id)) for user_id in holders}
    assert max(counts.values()) == 1, "somebody got a certificate twice"
    assert {user_id for user_id, count in counts.items() if count == 0} <= in_flight
    assert f"Неизвестно (бот перезапускался во время отправки): {len(in_flight)}" in (
        report.text or ""
    )
    if not in_flight:
        assert report.buttons == []
        assert sorted(counts.values()) == [1] * HOLDERS
        return
    # The organiser chooses to resend: every holder then has the certificate; only the
    # uncertain ones whose first copy did arrive can hold two (the documented guarantee).
    await admin.press("Отправить ещё раз неуверенным", message_id=report.message_id)
    await admin.wait_message(f"Доставлено: {HOLDERS}", timeout=120)
    counts = {user_id: len(pdfs(fake_api, user_id)) for user_id in holders}
    assert min(counts.values()) == 1, "somebody has no certificate"
    assert {user_id for user_id, count in counts.items() if count > 1} <= in_flight
