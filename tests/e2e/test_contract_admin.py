"""The organisers' side of the product contract, driven the way an outside tester would.

Buttons are found only by the wording the contract gives (the first button containing it,
as `FakeUser.press` does); replies are read as whole messages. Each story mixes the happy
path with what real organisers get wrong: bad values, `/cancel` and a restart mid-dialog,
HTML-like and over-long text, non-admins replaying admins' buttons, garbage ids.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import socket
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.sandbox.fakeapi import FakeBotAPI
from bot.sandbox.fakeapi.state import BotMessage
from bot.sandbox.fakeapi.users import FakeUser
from bot.settings import Settings
from storage.database import Database
from storage.models import RegistrationStatus, Seminar
from storage.repositories import Repositories
from tests.e2e.conftest import BOT_USERNAME, REPO_ROOT, RunBot, RunBotOnce

TZ = ZoneInfo("Asia/Yekaterinburg")
PARTICIPANT_COMMANDS = [
    "start",
    "help",
    "seminars",
    "my",
    "faq",
    "ask",
    "language",
    "cancel",
    "forget_me",
]
ADMIN_COMMANDS = [
    "new_seminar",
    "edit_seminar",
    "cancel_seminar",
    "broadcast",
    "export",
    "questions",
    "stats",
    "feedback",
    "certificates",
    "programmes",
    "materials",
    "report",
    "faq_misses",
    "checkin",
]
CONFIRM_WORDS = ("да", "yes", "подтвердить", "confirm")


def seminars_in(db_path: Path) -> list[tuple[int, str, str, str, int, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT id, title, description, place, capacity, starts_at FROM seminars ORDER BY id"
        ).fetchall()


def deep_link_id(message: BotMessage) -> int:
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=seminar_(\d+)", message.text or "")
    assert match is not None, message.text
    return int(match.group(1))


def command_names(api: FakeBotAPI, scope: dict[str, object] | None, lang: str) -> list[str]:
    return [command["command"] for command in api.commands(scope, lang)]


async def next_reply(user: FakeUser) -> BotMessage:
    """The next message, whatever it says: an outside tester cannot know our wording."""
    return await user.wait_message()


async def reply_after(user: FakeUser) -> BotMessage:
    """The first message sent after everything the chat holds now."""
    last = max((m.message_id for m in user.messages), default=0)
    return await user.wait_message(predicate=lambda m: m.message_id > last)


async def press_confirm(user: FakeUser) -> None:
    message = user.last_message
    assert message is not None
    for text in message.buttons:
        if text.casefold().startswith(CONFIRM_WORDS):
            await user.press(text, message_id=message.message_id)
            return
    raise AssertionError(f"no confirming button in {message.summary()}")


async def test_commands_refusals_and_the_new_seminar_dialog(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    olga = fake_api.user(5001, "Ольга", username="olga", language_code="ru")
    kate = fake_api.user(5002, "Kate", username="kate", language_code="en")
    anna = fake_api.user(1001, "Анна", username="anna", language_code="ru")
    env = {"ADMIN_IDS": f"{olga.id}, {kate.id}"}
    bot = await run_bot(env=env)

    # Menus: participants' commands by default, everything in each admin's chat, ru and en.
    for lang in ("", "en"):
        assert command_names(fake_api, None, lang) == PARTICIPANT_COMMANDS
        for admin in (olga, kate):
            scope = {"type": "chat", "chat_id": admin.id}
            assert command_names(fake_api, scope, lang) == (PARTICIPANT_COMMANDS + ADMIN_COMMANDS)
    ru_help = fake_api.commands(None, "")[1]["description"]
    en_help = fake_api.commands(None, "en")[1]["description"]
    assert ru_help != en_help and re.search("[а-я]", ru_help) and not re.search("[а-я]", en_help)

    # A participant's admin commands: one polite refusal each, nothing else.
    for command in [*ADMIN_COMMANDS, "export 1", f"stats@{BOT_USERNAME}"]:
        await anna.send(f"/{command}")
        refusal = await next_reply(anna)
        assert "организатор" in (refusal.text or ""), (command, refusal.text)
        assert not refusal.buttons and refusal.document is None
    await anna.assert_no_new_messages()

    # English admin: a title with HTML-like text; too short, too long, then right.
    title = '<b>Grants</b> & "NGOs" <script>'
    await kate.send("/new_seminar")
    await next_reply(kate)
    for wrong in ("ab", "x" * 4096):
        await kate.send(wrong)
        assert "title" in (await next_reply(kate)).text.casefold()
    await kate.send(title)
    await next_reply(kate)
    await kate.send("-")  # no description
    await next_reply(kate)
    year = datetime.now(TZ).year + 1
    past = (datetime.now(UTC) - timedelta(hours=2)).astimezone(TZ)
    for wrong in (f"31.02.{year} 10:00", f"{past:%d.%m.%Y %H:%M}", "tomorrow", f"01.03.{year}"):
        await kate.send(wrong)
        error = await next_reply(kate)
        assert "DD.MM.YYYY HH:MM" in (error.text or ""), (wrong, error.text)
    await kate.send(f"{year}-03-01 09:30")  # ISO is accepted too
    await next_reply(kate)
    place = "Online: https://example.org/meet?a=1&b=<2>"
    await kate.send(place)
    await next_reply(kate)
    for wrong in ("abc", "0", "-3", "2.5", "1e3"):
        await kate.send(wrong)
        assert "number" in (await next_reply(kate)).text, wrong
    await kate.send("1")
    card = await next_reply(kate)  # the preview: the card with its Publish button
    assert card.contains(title) and card.contains(place)
    publish = next(text for text in card.buttons if text.startswith("Publish"))
    await kate.press(publish)
    first_id = deep_link_id(await next_reply(kate))

    await anna.send(f"/start seminar_{first_id}")
    participant_card = await anna.wait_message(title)
    assert participant_card.contains(place) and participant_card.contains("09:30")
    assert any("Записаться" in text for text in participant_card.buttons)

    # Russian admin: /cancel mid-dialog leaves nothing behind.
    await olga.send("/new_seminar")
    await next_reply(olga)
    await olga.send("Черновик, который не нужен")
    await next_reply(olga)
    await olga.send("/cancel")
    await next_reply(olga)
    await olga.send("Описание, которое уже никто не ждёт")
    after_cancel = await next_reply(olga)
    assert "ДД.ММ.ГГГГ" not in (after_cancel.text or "")

    # Again, with an over-long description and an impossible date, then a restart.
    await olga.send("/new_seminar")
    await next_reply(olga)
    await olga.send("Гранты для НКО: с чего начать")
    await next_reply(olga)
    await olga.send("д" * 4000)
    assert "описание" in (await next_reply(olga)).text.casefold()
    await olga.send("Разберём, где искать гранты.")
    await next_reply(olga)
    await olga.send(f"31.02.{year} 10:00")
    assert "ДД.ММ.ГГГГ ЧЧ:ММ" in (await next_reply(olga)).text
    assert await bot.stop() == 0
    await run_bot(env=env)
    await olga.send(f"25.09.{year} 15:00")
    await next_reply(olga)
    await olga.send("Тюмень, ул. Республики, 1")
    await next_reply(olga)
    await olga.send("тридцать")
    assert "число" in (await next_reply(olga)).text
    await olga.send("30")
    card = await next_reply(olga)
    assert card.contains("Гранты для НКО: с чего начать")
    assert any(text.startswith("Опубликовать") for text in card.buttons)
    assert card.contains("Разберём, где искать гранты.") and card.contains("30")
    # A participant replaying the preview's buttons and others is refused; nothing changes.
    for button in card.inline_buttons:
        query = await anna.press_data(button["callback_data"], participant_card.message_id)
        answer = await fake_api.wait_callback_answer(query)
        assert "организатор" in answer.get("text", "")
    await olga.press("Опубликовать", message_id=card.message_id)
    second_id = deep_link_id(await next_reply(olga))
    await olga.press("Опубликовать", message_id=card.message_id)  # a double press
    await olga.assert_no_new_messages(within=1.0)

    # A script that does not wait for the questions: answers are taken in order.
    for text in ("/new_seminar", "Quick one", "-", f"{year}-04-01 12:00", "Room 5", "5"):
        await kate.send(text)
    quick = await kate.wait_message(predicate=lambda m: bool(m.buttons))
    assert quick.contains("Quick one") and quick.contains("Room 5")
    await kate.press("Publish", message_id=quick.message_id)
    third_id = deep_link_id(await kate.wait_message("start=seminar_"))

    rows = seminars_in(db_path)
    assert [row[0] for row in rows] == [first_id, second_id, third_id]
    assert rows[2][1:5] == ("Quick one", "", "Room 5", 5)
    assert rows[0][1:5] == (title, "", place, 1)
    assert rows[1][1:5] == (
        "Гранты для НКО: с чего начать",
        "Разберём, где искать гранты.",
        "Тюмень, ул. Республики, 1",
        30,
    )
    starts = datetime.fromisoformat(rows[1][5])
    assert starts.astimezone(TZ) == datetime(year, 9, 25, 15, 0, tzinfo=TZ)
    fake_api.assert_no_rejections()


async def seed_seminar(db_path: Path, title: str, starts_at: datetime, capacity: int) -> Seminar:
    db = Database(db_path)
    await db.connect()
    try:
        now = datetime.now(UTC)
        return await Repositories(db).seminars.create(
            title, "Practice", starts_at, "Tyumen, Respubliki 1", capacity, None, now
        )
    finally:
        await db.close()


async def register(
    user: FakeUser, seminar: Seminar, button: str, agree: str, profile: tuple[str, str, str]
) -> BotMessage:
    """Deep link → the card's button → consent → name, organisation, phone; the result."""
    await user.send(f"/start seminar_{seminar.id}")
    card = await next_reply(user)
    await user.press(button, message_id=card.message_id)
    await next_reply(user)
    await user.press(agree)
    for answer in profile:
        await next_reply(user)
        await user.send(answer)
    return await user.wait_message(seminar.title)


def is_document(suffix: str) -> Callable[[BotMessage], bool]:
    return lambda message: (message.document_name or "").endswith(suffix)


async def test_edit_cancel_and_export_in_english_with_registrants_told(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    title = "Social entrepreneurship for NGOs: from idea to <first> sale"
    assert len(title) > 40
    old_start = (datetime.now(TZ) + timedelta(days=10)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    seminar = await seed_seminar(db_path, title, old_start.astimezone(UTC), capacity=1)
    kate = fake_api.user(5002, "Kate", username="kate", language_code="en")
    anna = fake_api.user(1001, "Анна", username="anna_ngo", language_code="ru")
    john = fake_api.user(1002, "John", username=None, language_code="en")
    await run_bot(env={"ADMIN_IDS": str(kate.id)})

    # Two words: a single word is refused as a full name (issue 14, item 2).
    formula = '=HYPERLINK("http://evil", "x")'
    registered_at = datetime.now(TZ)
    seat = await register(
        anna, seminar, "Записаться", "Согласен", (formula, "+Ромашка", "+7 999 123-45-67")
    )
    assert "лист ожидания" not in (seat.text or "").casefold()
    waiting = await register(
        john, seminar, "Waitlist", "I agree", ("John Smith", "@Green Org", "+1 650 253 0000")
    )
    assert "waitlist" in (waiting.text or "").casefold() and "1" in (waiting.text or "")

    # The date and time: a bad value first, then the move; both registrants are told.
    await kate.send("/edit_seminar")
    await next_reply(kate)
    await kate.press(title)
    fields = await next_reply(kate)
    for name in ("Title", "Description", "Date and time", "Duration", "Place", "Capacity"):
        assert any(name.casefold() in text.casefold() for text in fields.buttons), name
    await kate.press("Date and time", message_id=fields.message_id)
    await next_reply(kate)
    await kate.send(f"31.02.{old_start.year + 1} 10:00")
    assert "DD.MM.YYYY" in (await next_reply(kate)).text
    new_start = (old_start + timedelta(days=1)).replace(hour=10, minute=30)
    await kate.send(f"{new_start:%d.%m.%Y %H:%M}")
    await next_reply(kate)
    for user in (anna, john):
        notice = await user.wait_message(title)
        assert notice.contains("15:00") and notice.contains("10:30"), notice.text
        assert notice.contains(str(old_start.day)) and notice.contains(str(new_start.day))

    # The place: told too, old and new.
    await kate.send("/edit_seminar")
    await next_reply(kate)
    await kate.press(title)
    await next_reply(kate)
    await kate.press("Place")
    await next_reply(kate)
    await kate.send("Online: https://example.org/?a=1&b=2")
    await next_reply(kate)
    for user in (anna, john):
        notice = await user.wait_message("https://example.org/?a=1&b=2")
        assert notice.contains("Tyumen, Respubliki 1")

    # Capacity: garbage, then one more seat; John moves up and is told, naming the seminar.
    await kate.send("/edit_seminar")
    await next_reply(kate)
    await kate.press(title)
    await next_reply(kate)
    await kate.press("Capacity")
    await next_reply(kate)
    await kate.send("abc")
    assert "number" in (await next_reply(kate)).text
    await kate.send("2")
    await next_reply(kate)
    await john.wait_message(title)

    # A participant replaying the field buttons is refused and the seminar stays as it is.
    field_data = [button["callback_data"] for button in fields.inline_buttons]
    for data in field_data:
        query = await anna.press_data(data, message_id=seat.message_id)
        assert "организатор" in (await fake_api.wait_callback_answer(query)).get("text", "")

    # Exports: garbage ids are explained, then the button gives both files.
    await kate.send("/export abc")
    usage = await next_reply(kate)
    assert usage.document is None and "/export" in (usage.text or "")
    await kate.send("/export 999")
    missing = await next_reply(kate)
    assert missing.document is None and "999" in (missing.text or "")
    await kate.send("/export")
    await next_reply(kate)
    await kate.press(title)
    csv_file = await kate.wait_message(predicate=is_document(".csv"))
    xlsx_file = await kate.wait_message(predicate=is_document(".xlsx"))
    raw = csv_file.document_bytes or b""
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(header) >= 7 and len(rows) == 2
    by_id = {row[header.index(next(h for h in header if "ID" in h))]: row for row in rows}
    anna_row, john_row = by_id[str(anna.id)], by_id[str(john.id)]
    assert "confirmed" in anna_row and "confirmed" in john_row  # John was promoted
    assert "'" + formula in anna_row and "'+Ромашка" in anna_row and "anna_ngo" in anna_row
    assert "John Smith" in john_row and "'@Green Org" in john_row
    # A formula start is neutralised; a phone number stays as it is (no apostrophe).
    assert "+79991234567" in anna_row
    assert not any(
        cell.startswith(("=", "@"))
        or (cell.startswith(("+", "-")) and not re.fullmatch(r"\+\d{10,15}", cell))
        for row in rows
        for cell in row
    )
    stamp = next(cell for cell in anna_row if re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", cell))
    local = datetime.strptime(stamp, "%d.%m.%Y %H:%M").replace(tzinfo=TZ)
    assert abs(local - registered_at) < timedelta(minutes=2)
    sheet = load_workbook(io.BytesIO(xlsx_file.document_bytes or b"")).worksheets[0]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [str(value) for value in cells[0]] == header
    # XLSX text cells are never formulas: the text is kept exactly as typed.
    assert any(formula in row for row in cells) and "+79991234567" in cells[1] + cells[2]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    # Duration, description and title: validated, saved, nobody disturbed.
    renamed = "Impact <b>101</b> & co"
    told = len(anna.messages), len(john.messages)
    for field, wrong, value in (
        ("Duration", "forever", "90"),
        ("Description", "x" * 3500, "-"),
        ("Title", "ab", renamed),
    ):
        await kate.send("/edit_seminar")
        await next_reply(kate)
        await kate.press(title)
        await next_reply(kate)
        await kate.press(field)
        await next_reply(kate)
        await kate.send(wrong)
        await next_reply(kate)
        await kate.send(value)
        assert field in (await next_reply(kate)).text, field
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute(
            "SELECT title, description, duration_minutes, capacity, place FROM seminars"
        ).fetchone()
    assert stored == (renamed, "", 90, 2, "Online: https://example.org/?a=1&b=2")
    assert (len(anna.messages), len(john.messages)) == told

    # Cancelling: a confirmation starting with Yes, then everyone is told.
    title = renamed
    await kate.send("/cancel_seminar")
    await next_reply(kate)
    await kate.press(title)
    await next_reply(kate)
    await press_confirm(kate)
    await next_reply(kate)
    for user in (anna, john):
        await user.wait_message(title)
    await kate.send("/edit_seminar")
    assert title not in " ".join((await next_reply(kate)).buttons)
    fake_api.assert_no_rejections()


async def seed_people(
    api: FakeBotAPI, db_path: Path, seminar: Seminar, people: dict[int, RegistrationStatus | None]
) -> dict[int, FakeUser]:
    """Users who started the bot earlier, some registered for the seminar."""
    db = Database(db_path)
    await db.connect()
    try:
        repos = Repositories(db)
        now = datetime.now(UTC)
        users = {}
        for user_id, status in people.items():
            users[user_id] = api.user(user_id, f"User{user_id}", username=None)
            await repos.users.record_seen(user_id, f"User{user_id}", None, None, "ru", now)
            if status is not None:
                await repos.registrations.insert(seminar.id, user_id, status, now)
        return users
    finally:
        await db.close()


def copies_of(api: FakeBotAPI, admin: FakeUser, source_id: int) -> dict[int, int]:
    received: dict[int, int] = {}
    for params in api.calls("copyMessage"):
        if (params["from_chat_id"], params["message_id"]) == (admin.id, source_id):
            received[params["chat_id"]] = received.get(params["chat_id"], 0) + 1
    received.pop(admin.id, None)  # the preview
    return received


async def broadcast(
    admin: FakeUser, audience: str, text: str, before_send: Callable[[], None] = lambda: None
) -> tuple[int, int]:
    """/broadcast → audience button → text → preview → Отправить; (source, progress) ids."""
    await admin.send("/broadcast")
    menu = await admin.wait_message(predicate=lambda m: bool(m.buttons))
    await admin.press(audience, message_id=menu.message_id)
    source_id = await admin.send(text)
    preview = await admin.wait_message(text)
    # The preview is the message as recipients get it; the note under it has the buttons.
    note = await admin.wait_message("Отправить?")
    assert not preview.buttons and note.buttons[0].startswith("Отправить")
    before_send()
    since = len(admin.api.requests)
    await admin.press("Отправить", message_id=note.message_id)
    # Progress: some message edited to show a Stop button.
    progress = await admin.api.wait_request(
        "editMessageText",
        lambda params: "Остановить" in str(params.get("reply_markup")),
        since=since,
    )
    return source_id, int(progress.params["message_id"])


async def test_broadcasts_audiences_failures_stop_and_questions_to_admins(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    title = "Грантрайтинг"
    seminar = await seed_seminar(db_path, title, datetime.now(UTC) + timedelta(days=5), 1)
    confirmed, waiting, blocked, gone, plain = 2001, 2002, 2003, 2004, 2005
    crowd = {user_id: None for user_id in range(3100, 3140)}
    people = await seed_people(
        fake_api,
        db_path,
        seminar,
        {
            confirmed: RegistrationStatus.CONFIRMED,
            waiting: RegistrationStatus.WAITLIST,
            blocked: RegistrationStatus.CANCELLED,
            gone: None,
            plain: None,
            **crowd,
        },
    )
    olga = fake_api.user(5001, "Ольга", username="olga", language_code="ru")
    await run_bot(env={"ADMIN_IDS": str(olga.id), "BROADCAST_RATE": "10"})

    # The first button containing the title: the seminar's confirmed registrants only,
    # who get the text after one line naming the seminar, in the same message.
    html_like = "<b>не жирный</b> & <i>не курсив</i> завтра в 10:00"
    source_id, progress_id = await broadcast(olga, title, html_like)
    await olga.wait_message("Доставлено")
    header = f"📢 Семинар «{title}»: сообщение от организаторов"
    sent = [p for p in fake_api.calls("sendMessage") if str(p["text"]).startswith(header)]
    assert sorted(str(p["chat_id"]) for p in sent) == sorted([str(confirmed), str(olga.id)])
    assert fake_api.messages(confirmed)[-1].text == f"{header}\n\n{html_like}"
    assert not fake_api.message(olga.id, progress_id).buttons  # Stop is gone when done

    # Everyone: a blocked user (403), a deleted account (400) and a 429 on the way.
    fake_api.block(blocked)
    fake_api.chat_gone(gone)
    source_id, _ = await broadcast(
        olga,
        "Всем",
        "Семинар по грантам: запись открыта",
        lambda: fake_api.fail_next(
            "copyMessage", 429, "Too Many Requests: retry after 1", retry_after=1
        ),
    )
    report = await olga.wait_message("Доставлено", timeout=30)
    received = copies_of(fake_api, olga, source_id)
    reachable = set(people) - {blocked, gone}
    assert received == dict.fromkeys(reachable, 1)
    assert fake_api.count_429 == 1
    assert f"Доставлено: {len(reachable) + 1}\n" in (report.text or "")  # and the admin
    assert "Заблокировано: 2" in (report.text or "")
    with sqlite3.connect(db_path) as conn:
        inactive = {row[0] for row in conn.execute("SELECT id FROM users WHERE is_active = 0")}
    assert inactive == {blocked, gone}

    # Stop: pressed on the progress message at once; the rest is never sent.
    people[blocked].api.unblock(blocked)
    await people[blocked].send("/start")  # writing again makes the user reachable again
    await people[blocked].wait_message()
    source_id, progress_id = await broadcast(olga, "Всем", "Это сообщение не дойдёт до всех")
    await olga.press("Остановить", message_id=progress_id)
    report = await olga.wait_message("Доставлено", timeout=30)
    stopped = copies_of(fake_api, olga, source_id)
    # The outbox stops at once: pressed that fast, few or none went out, never all.
    assert len(stopped) < len(reachable), len(stopped)
    assert "остановлена" in (report.text or "")

    # No STAFF_CHAT_ID: a question goes to the admin privately, answered by a reply.
    asker = people[plain]
    await asker.send("/ask")
    await next_reply(asker)
    await asker.send("<script>alert(1)</script> Как получить грант?")
    await next_reply(asker)
    question = await olga.wait_message("<script>alert(1)</script>")
    assert any("Ответить" in text for text in question.buttons)
    await olga.send("/questions")
    overview = await olga.wait_message("Как получить грант?")
    listed = await olga.wait_message("Как получить грант?")
    assert not overview.buttons and any("Ответить" in text for text in listed.buttons)
    await olga.reply(question.message_id, "Подайте заявку до 1 марта <b>онлайн</b>")
    await olga.wait_edit(question.message_id, "Подайте заявку")  # the question shows its answer
    answer = await asker.wait_message("Подайте заявку до 1 марта <b>онлайн</b>")
    assert answer.contains("Как получить грант?")
    await olga.send("/questions")
    assert "Как получить грант?" not in (await reply_after(olga)).text
    await olga.send("/stats")
    stats = await reply_after(olga)
    assert "организатор" not in (stats.text or "") and "45" in (stats.text or "")
    unexpected = [
        r for r in fake_api.rejected if not r.injected and r.params.get("chat_id") != str(gone)
    ]
    assert unexpected == []


def test_env_example_lists_every_setting() -> None:
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    listed = re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE)
    assert sorted(listed) == sorted(name.upper() for name in Settings.model_fields)
    for name in listed:  # each with a comment just above it (or above its group)
        block = example.split(f"\n{name}=")[0].rstrip().split("\n\n")[-1]
        assert "#" in block, name


async def test_each_bad_setting_exits_2_with_one_line_naming_it(
    fake_api: FakeBotAPI, run_bot_once: RunBotOnce, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        webhook = {
            "WEBHOOK_URL": "https://example.org/hook",
            "WEBHOOK_SECRET": "s3cret",
            "WEBHOOK_HOST": "127.0.0.1",
        }
        cases: list[tuple[str, dict[str, str | None]]] = [
            ("BOT_TOKEN", {"BOT_TOKEN": None}),
            ("BOT_TOKEN", {"BOT_TOKEN": "999:refused-by-the-server"}),
            ("ADMIN_IDS", {"ADMIN_IDS": "12, boss"}),
            ("REMINDER_OFFSETS", {"REMINDER_OFFSETS": "24h,soon"}),
            ("DATABASE_PATH", {"DATABASE_PATH": str(not_a_folder / "bot.sqlite3")}),
            ("WEBHOOK_SECRET", {**webhook, "WEBHOOK_SECRET": "not allowed!"}),
            ("WEBHOOK_PORT", {**webhook, "WEBHOOK_PORT": str(busy.getsockname()[1])}),
        ]
        results = await asyncio.gather(
            *(run_bot_once(env={"LOG_LEVEL": "INFO", **env}) for _, env in cases)
        )
    for (name, env), (code, _out, err) in zip(cases, results, strict=True):
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2 and "Traceback" not in err, (name, env, err)
        assert name in lines[-1] and lines[-1].startswith("Invalid setting"), (name, env, err)
        if name != "WEBHOOK_PORT":  # found only once the bot is up and listening
            assert len(lines) == 1, (name, env, err)
