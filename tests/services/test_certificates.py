"""Certificates without aiogram handlers: who qualifies, the PDF's text, verification, forget."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendDocument
from PIL import Image
from pypdf import PdfReader

from bot.app import App
from bot.i18n import Translator
from bot.services.certificates import SubjectKind, initials, new_number, number_from
from bot.settings import DEFAULT_ISSUER, DEFAULT_ISSUER_EN, Settings
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus, Seminar
from storage.repositories import Repositories
from tests.certificate_picture import NAME, NUMBER, render_png, sample_pdf
from tests.recording import RecordingSession
from tests.services.conftest import ADMIN_ID, FakeClock

ANNA, BORIS, JOHN, LONG = 101, 102, 103, 104
NAMES = {
    ANNA: "Иванова Анна Петровна",
    BORIS: "Петров Борис",
    JOHN: "John O'Connor-Smith",
    LONG: "Константинопольская-Щербакова " + "Александра-Мария " * 5 + "Вячеславовна",
}
TITLE = "Социальное предпринимательство — от идеи до «устойчивой» модели: ёмкие практики НКО"


async def ended_seminar(app: App, clock: FakeClock, attended: tuple[int, ...]) -> Seminar:
    repos = Repositories(app.db)
    now = clock()
    for user_id, name in NAMES.items():
        await repos.users.record_seen(user_id, name.split()[0], None, None, "ru", now)
        await repos.profiles.save(user_id, name, "НКО", "+79990000000", now, now)
    seminar = await repos.seminars.create(
        TITLE, "", now - timedelta(hours=3), "Тюмень", 10, None, now - timedelta(days=3)
    )
    for user_id in NAMES:
        registration = await repos.registrations.insert(
            seminar.id, user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=2)
        )
        if user_id in attended:
            await repos.attendance.mark(
                registration.id, AttendanceKind.IN_PERSON, MarkMethod.LIST, ADMIN_ID, now
            )
    return seminar


async def wait_for_text(session: RecordingSession, chat_id: int, needle: str) -> bool:
    """Poll (with a deadline) until a message to `chat_id` contains `needle`."""
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        if any(needle in text for text in session.texts(chat_id)):
            return True
        await asyncio.sleep(0.02)
    return False


def sent_documents(session: RecordingSession) -> list[SendDocument]:
    return [call for call in session.calls if isinstance(call, SendDocument)]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (841.89, 595.28), abs=0.1
    )  # A4 landscape
    return " ".join(page.extract_text().split())


def test_numbers_are_random_and_only_their_shape_is_accepted() -> None:
    numbers = {new_number() for _ in range(1000)}
    assert len(numbers) == 1000
    number = numbers.pop()
    assert number_from(f"v_{number}") == number
    assert number_from(f"v_{number.lower()}") == number
    for forged in ("v_", "v_SE-", "v_SE-0000000O", "v_SE-ABCDEFGHJ", "v_' OR 1=1", "v_" + "A" * 60):
        assert number_from(forged) is None


def test_initials_keep_the_surname_only() -> None:
    assert initials("Иванова Анна Петровна") == "Иванова А. П."
    assert initials("John O'Connor-Smith") == "John O."
    assert initials("  ") == ""


async def test_only_attendees_with_a_name_qualify_and_each_gets_one_pdf(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await ended_seminar(app, clock, attended=(ANNA, JOHN, LONG))
    preview = await app.certificates.preview(SubjectKind.SEMINAR, seminar.id)
    assert preview is not None
    assert sorted(q.user_id for q in preview.qualifiers) == [ANNA, JOHN, LONG]
    assert await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID) == 3
    assert await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID) == 0
    await app.outbox.run_until_idle()  # issuing queued the PDFs in the outbox
    documents = sent_documents(session)
    assert sorted(int(d.chat_id) for d in documents) == [ANNA, JOHN, LONG]
    # Named in the holder's language.
    assert all(d.document.filename.startswith("Сертификат SE-") for d in documents)
    assert all(d.document.filename.endswith(".pdf") for d in documents)
    # The admin's report, like a broadcast's: three delivered, nobody blocked.
    await app.certificates.batches.resume()
    assert await wait_for_text(session, ADMIN_ID, "Доставлено: 3")

    held = await app.certificates.mine(ANNA)
    assert len(held) == 1
    document = await app.certificates.document(held[0], app.translator.for_language("ru"))
    text = pdf_text(document.data)
    assert "Иванова Анна Петровна" in text
    assert "«Социальное предпринимательство — от идеи до «устойчивой» модели" in text
    assert held[0].number in text
    assert "СЕРТИФИКАТ" in text
    assert "2 часа" in text  # the default duration of a seminar
    # A formal wording without a gender bracket or a nominative name after «выдан»; the
    # written verification instruction.
    assert "Участник:" in text and "Настоящим подтверждается прохождение обучения" in text
    assert "выдан" not in text and "(-ла)" not in text
    assert f"t.me/seminar_test_bot?start=v_{held[0].number}" in text


async def test_a_blocked_holder_is_reported_and_an_english_one_gets_an_english_file(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await ended_seminar(app, clock, attended=(ANNA, JOHN))
    repos = Repositories(app.db)
    await repos.users.set_language(JOHN, "en")
    await repos.users.mark_inactive(ANNA)  # blocked the bot earlier
    assert await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID) == 2
    await app.outbox.run_until_idle()
    (document,) = sent_documents(session)
    assert int(document.chat_id) == JOHN
    assert document.document.filename.startswith("Certificate SE-")
    text = pdf_text(document.document.data)
    assert "This certificate is awarded to" in text and "(s)" not in text
    await app.certificates.batches.resume()
    assert await wait_for_text(session, ADMIN_ID, "Доставлено: 1")
    report = next(t for t in session.texts(ADMIN_ID) if "Доставлено" in t)
    assert "Не доставлено (бот заблокирован или участник удалил данные): 1" in report


async def test_an_english_certificate_has_no_russian_but_the_seminar_title(
    app: App, clock: FakeClock
) -> None:
    seminar = await ended_seminar(app, clock, attended=(JOHN,))
    await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID)
    (certificate,) = await app.certificates.mine(JOHN)
    english = app.translator.for_language("en")
    text = pdf_text((await app.certificates.document(certificate, english)).data)
    assert DEFAULT_ISSUER_EN.split()[-1] in text  # the default issuer, in English
    assert not re.search("[а-яё]", text.replace(" ".join(TITLE.split()), ""), re.IGNORECASE)
    app.settings.certificate_issuer_en = "Tyumen NGO Alliance"
    text = pdf_text((await app.certificates.document(certificate, english)).data)
    assert "Tyumen NGO Alliance" in text


def test_the_english_issuer_falls_back_to_the_one_the_organisers_wrote() -> None:
    settings = Settings(bot_token="1:x", _env_file=None)  # type: ignore[arg-type, call-arg]
    assert settings.issuer_in("ru") == DEFAULT_ISSUER
    assert settings.issuer_in("en") == DEFAULT_ISSUER_EN
    own = Settings(bot_token="1:x", certificate_issuer="АНО «Берег»", _env_file=None)  # type: ignore[arg-type, call-arg]
    assert own.issuer_in("en") == "АНО «Берег»"  # no English name given: as written
    both = own.model_copy(update={"certificate_issuer_en": "Bereg NGO"})
    assert (both.issuer_in("ru"), both.issuer_in("en")) == ("АНО «Берег»", "Bereg NGO")


async def test_long_and_latin_names_stay_on_the_page(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, attended=(JOHN, LONG))
    await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID)
    tr = app.translator.for_language("ru")
    for user_id in (JOHN, LONG):
        (certificate,) = await app.certificates.mine(user_id)
        text = pdf_text((await app.certificates.document(certificate, tr)).data)
        # Every word of the name is on the page: wrapped or shrunk, never cut.
        for word in NAMES[user_id].split():
            assert word in text


def test_the_sample_renders_to_png(tmp_path: Path) -> None:
    """The picture in docs/ comes from the same sample (make certificate-picture)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing: make system-deps")
    png = render_png(tmp_path / "certificate")
    with Image.open(png) as image:
        assert image.width > image.height  # landscape
    text = pdf_text(sample_pdf())
    assert NAME.split()[0] in text and NUMBER in text


async def test_nobody_attended_means_nobody_qualifies(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, attended=())
    preview = await app.certificates.preview(SubjectKind.SEMINAR, seminar.id)
    assert preview is not None and preview.qualifiers == []
    assert await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID) == 0


async def test_verification_and_forget_me(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, attended=(ANNA, BORIS))
    await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID)
    (certificate,) = await app.certificates.mine(ANNA)
    found = await app.certificates.verify(f"v_{certificate.number}")
    assert found.certificate is not None and found.holder == "Иванова А. П."
    assert (await app.certificates.verify("v_SE-AAAAAAAA")).certificate is None

    await app.privacy.forget_me(ANNA)
    anonymous = await app.certificates.verify(f"v_{certificate.number}")
    assert anonymous.certificate is not None and anonymous.holder is None
    assert await app.certificates.mine(ANNA) == []


def test_the_font_ships_with_the_bot() -> None:
    fonts = Path(__file__).resolve().parents[2] / "bot" / "assets" / "fonts"
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"} <= {p.name for p in fonts.iterdir()}
    assert Translator.load().text("ru", "certificates.hours", count=2) == "2 часа"


async def test_a_pdf_in_flight_at_a_crash_is_reported_uncertain_and_resent_on_request(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await ended_seminar(app, clock, attended=(ANNA, JOHN))
    assert await app.certificates.issue(SubjectKind.SEMINAR, seminar.id, ADMIN_ID) == 2
    await app.certificates.batches.shutdown()  # the process dies: no report yet
    repos = Repositories(app.db)
    in_flight = await repos.outbox.claim_next(clock())  # claimed, its request lost
    assert in_flight is not None
    await app.outbox.start()  # the restart: the claimed one becomes uncertain
    await app.outbox.shutdown()
    await app.outbox.run_until_idle()
    other = ({ANNA, JOHN} - {in_flight.chat_id}).pop()
    assert [int(d.chat_id) for d in sent_documents(session)] == [other]

    await app.certificates.batches.resume()
    assert await wait_for_text(session, ADMIN_ID, "Неизвестно")
    report = next(t for t in session.texts(ADMIN_ID) if "Неизвестно" in t)
    assert "Доставлено: 1" in report
    assert "Неизвестно (бот перезапускался во время отправки): 1" in report
    resend = session.buttons(ADMIN_ID)
    (data,) = (data for text, data in resend.items() if "неуверенным (1)" in text)

    batch_id = int(data.rsplit(":", 1)[1])
    assert await app.certificates.batches.resend_uncertain(batch_id) == 1
    assert await app.certificates.batches.resend_uncertain(batch_id) == 0  # a second press
    await app.outbox.run_until_idle()
    assert sorted(int(d.chat_id) for d in sent_documents(session)) == [ANNA, JOHN]
    assert await wait_for_text(session, ADMIN_ID, "Доставлено: 2")
