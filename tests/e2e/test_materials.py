"""Materials through real HTTP: collected from the admin, sent to attendees only, with a
report; an unsupported message refused; /my sends them again."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.fakeapi import FakeBotAPI
from tests.e2e.conftest import RunBot
from tests.e2e.test_checkin import ADMIN_ID, ANNA, BORIS, OLEG
from tests.e2e.test_online_and_attendance import seed_past_seminar

PAST = "Прошедший семинар"
SLIDES = "Слайды: https://example.org/slides.pdf"
NOTES = "Конспект и список литературы"


def texts(fake_api: FakeBotAPI, chat_id: int) -> list[str]:
    return [m.text or "" for m in fake_api.messages(chat_id)]


async def test_materials_reach_attendees_only_and_again_from_my(
    fake_api: FakeBotAPI, run_bot: RunBot, tmp_path: Path
) -> None:
    seminar_id, _ = await seed_past_seminar(tmp_path / "bot.sqlite3")  # Anna, Boris came; Oleg not
    admin = fake_api.user(ADMIN_ID, "Ирина")
    anna = fake_api.user(ANNA.user_id, ANNA.first_name)
    boris = fake_api.user(BORIS.user_id, BORIS.first_name)
    oleg = fake_api.user(OLEG.user_id, OLEG.first_name)
    await run_bot({"ADMIN_IDS": str(ADMIN_ID)})

    await oleg.send("/materials")
    await oleg.wait_message("только организаторам")

    await admin.send("/materials")
    picker = await admin.wait_message("Материалы какого семинара")
    await admin.press(PAST, message_id=picker.message_id)
    await admin.wait_message("Пришлите материалы")
    await admin.send_contact("+79990000000")
    await admin.wait_message("нельзя отправить как материал")
    await admin.send(SLIDES)
    await admin.wait_message("Всего 1 сообщение")
    await admin.send(NOTES)
    added = await admin.wait_message("Всего 2 сообщения")
    await admin.press("Готово", message_id=added.message_id)
    who = await admin.wait_message("Кому отправить")
    assert who.buttons == ["Пришедшим", "Всем записанным"]
    await admin.press("Всем записанным", message_id=who.message_id)
    everyone = await admin.wait_message("3 получателя")
    assert "2 сообщения — Всем записанным" in (everyone.text or "")
    await admin.press("Пришедшим", message_id=who.message_id)
    preview = await admin.wait_message("2 получателя")
    await admin.press("Отправить", message_id=preview.message_id)
    await admin.wait_message("Отправляем материалы 2 получателям")
    report = await admin.wait_message("Доставлено: 2", timeout=60)
    assert PAST in (report.text or "")
    assert "Не доставлено (ошибки): 0" in (report.text or "")

    for person in (anna, boris):
        await person.wait_message(SLIDES)
        await person.wait_message(NOTES)
    assert SLIDES not in texts(fake_api, OLEG.user_id)

    # /my offers the materials of the past seminar again.
    await anna.send("/my")
    await anna.wait_message("Мои записи")
    await anna.press(f"Материалы: {PAST}")
    await anna.wait_message(SLIDES)
    await anna.wait_message(NOTES)
    assert texts(fake_api, ANNA.user_id).count(SLIDES) == 2
    assert texts(fake_api, BORIS.user_id).count(SLIDES) == 1

    # Oleg had a seat but did not come: the attendees-only sending was not for him.
    await oleg.send("/my")
    mine = await oleg.wait_message("Мои записи")
    assert not any(b.startswith("Материалы") for b in mine.buttons)
    forged = await oleg.press_data(f"mat_my:{seminar_id}", message_id=mine.message_id)
    refused = await fake_api.wait_callback_answer(forged)
    assert "только участникам" in refused.get("text", "")
    await oleg.assert_no_new_messages(within=1.0)
    assert SLIDES not in texts(fake_api, OLEG.user_id)
    fake_api.assert_no_rejections()
