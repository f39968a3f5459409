"""/forget_me and the FAQ: what came from the user's questions goes, what did not stays."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.privacy import PrivacyService
from bot.services.registration import RegistrationService
from bot.services.users import UserDirectory
from storage.database import Database
from storage.dialogs import DialogStore
from storage.models import FaqSource
from storage.repositories import Repositories
from tests.storage.test_waitlist import ForgottenQuestions

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
ASKER = 7


def clock() -> datetime:
    return NOW


async def test_published_attached_and_rewritten_questions(db: Database) -> None:
    repos = Repositories(db)
    await repos.users.record_seen(ASKER, "Анна", None, None, "ru", NOW)
    await repos.faq.upsert(
        "parking", "ru", "Места", "Где парковка?", (), "Во дворе.", FaqSource.FILE, NOW
    )
    verbatim = await repos.questions.create(ASKER, "Позвоните +79123456789, где вход?", NOW)
    attached = await repos.questions.create(ASKER, "Где тут парковка, я Анна?", NOW)
    rewritten = await repos.questions.create(ASKER, "Кофе будет? Анна из «Ромашки»", NOW)
    drafted = await repos.questions.create(ASKER, "Мой адрес Ленина 5, можно?", NOW)
    for question, entry_id, text in (
        (verbatim, f"question-{verbatim.id}", verbatim.text),
        (rewritten, f"question-{rewritten.id}", "Будет ли кофе-брейк?"),
    ):
        await repos.questions.mark_answered(question.id, "Ответ.", 1, NOW)
        await repos.faq.upsert(
            entry_id, "ru", "От организаторов", text, (), "Ответ.", FaqSource.ORGANISER, NOW
        )
        await repos.questions.set_faq_entry(question.id, entry_id)
    await repos.faq_learning.add_alias("parking", attached.text, NOW)
    await repos.questions.set_faq_entry(attached.id, "parking")
    await repos.questions.save_draft(drafted.id, drafted.text, "Да.", 1, NOW)

    staff_posts = ForgottenQuestions()
    privacy = PrivacyService(
        db,
        RegistrationService(db, clock),
        UserDirectory(db, clock),
        DialogStore(db),
        staff_posts,
        clock,
    )
    result = await privacy.forget_me(ASKER)

    assert (result.questions, result.faq_removed) == (4, 2)
    assert await repos.faq.get(f"question-{verbatim.id}") is None
    assert await repos.faq.get(f"question-{rewritten.id}") is not None  # the admin's words
    assert await repos.faq.get("parking") is not None  # a file entry is never removed
    assert await repos.faq_learning.aliases() == {}
    assert await repos.questions.draft(drafted.id) is None
    ids = [verbatim.id, attached.id, rewritten.id, drafted.id]
    assert staff_posts.told == [(ids, True, [verbatim.id])]  # only its entry was removed
