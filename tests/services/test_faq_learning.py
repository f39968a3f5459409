"""What the FAQ learns: misses kept, grouped, purged after 90 days, erased by /forget_me;
attached wordings answer at once and survive a re-import of the file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.services.faq_learning import MISSES_SHOWN, AttachOutcome
from storage.repositories import Repositories
from storage.timecodec import to_db
from tests.services.conftest import FakeClock

FAQ = """
- id: online
  category: Семинары
  question: Можно ли участвовать онлайн?
  answer: Да, идёт трансляция; ссылку пришлём за день до начала.
- id: price
  category: Семинары
  question: Сколько стоит участие?
  answer: Участие бесплатное для некоммерческих организаций.
"""

ANNA = 1001
PETR = 1002


async def users(app: App, *ids: int) -> None:
    async with app.db.transaction() as tx:
        for user_id in ids:
            await tx.execute(
                "INSERT INTO users (id, first_name, created_at, last_seen_at)"
                " VALUES (?, 'U', '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')",
                (user_id,),
            )


async def load(app: App, tmp_path: Path) -> Path:
    path = tmp_path / "faq.yml"
    path.write_text(FAQ, encoding="utf-8")
    await app.faq.import_file(path)
    return path


async def test_misses_grouped_by_wording_most_frequent_first(app: App, tmp_path: Path) -> None:
    await load(app, tmp_path)
    await users(app, ANNA, PETR)
    learning = app.faq_learning
    await learning.record_miss(ANNA, "ru", "Пускают ли с собакой?")
    await learning.record_miss(PETR, "ru", "пускают ли  с собакой")
    await learning.record_miss(ANNA, "ru", "а трансляцию будете вести?")
    await learning.record_miss(ANNA, "ru", "?!")  # no words: not kept

    misses = await learning.frequent_misses()

    assert [(item.miss.wording, item.miss.count) for item in misses.shown] == [
        ("пускают ли с собакой", 2),
        ("а трансляцию будете вести", 1),
    ]
    assert misses.waiting == 2
    assert misses.shown[1].candidates[0].id == "online"


async def test_attached_wording_answers_and_survives_reimport(app: App, tmp_path: Path) -> None:
    path = await load(app, tmp_path)
    await users(app, ANNA)
    wording = "а трансляцию будете вести?"
    assert app.faq.search(wording, "ru") == []
    await app.faq_learning.record_miss(ANNA, "ru", wording)
    [item] = (await app.faq_learning.frequent_misses()).shown

    outcome = await app.faq_learning.attach_miss(item.miss.id, app.faq.key_of(item.candidates[0]))

    assert outcome is AttachOutcome.ATTACHED
    assert [entry.id for entry in app.faq.search(wording, "ru")] == ["online"]
    assert (await app.faq_learning.frequent_misses()).shown == []
    await app.faq.import_file(path)  # what every start-up does
    assert [entry.id for entry in app.faq.search(wording, "ru")] == ["online"]
    # A replayed button: the miss is gone.
    assert await app.faq_learning.attach_miss(item.miss.id, "x") is AttachOutcome.GONE
    assert await app.faq_learning.dismiss_miss(item.miss.id) is False


async def test_misses_purged_after_90_days_and_erased_by_forget_me(
    app: App, tmp_path: Path, clock: FakeClock
) -> None:
    await load(app, tmp_path)
    await users(app, ANNA, PETR)
    await app.faq_learning.record_miss(ANNA, "ru", "старый вопрос про парковку")
    clock.advance(timedelta(days=60))
    await app.faq_learning.record_miss(PETR, "ru", "вопрос Петра про парковку")
    await app.faq_learning.record_miss(ANNA, "ru", "новый вопрос Анны про парковку")

    clock.advance(timedelta(days=31))
    assert await app.faq_learning.purge_old_misses() == 1
    result = await app.privacy.forget_me(ANNA)

    assert result.unanswered == 1  # what the receipt lists

    rows = await app.db.fetch_all("SELECT user_id, text FROM faq_misses")
    assert [(row["user_id"], row["text"]) for row in rows] == [(PETR, "вопрос Петра про парковку")]
    assert await Repositories(app.db).faq_learning.delete_misses_of_user(ANNA) == 0


async def test_confident_answers_counted_by_moment_only(
    app: App, tmp_path: Path, clock: FakeClock
) -> None:
    await load(app, tmp_path)
    await users(app, ANNA)

    answered = await app.faq_desk.respond(ANNA, "ru", "Сколько стоит участие?", 3)
    missed = await app.faq_desk.respond(ANNA, "ru", "Пускают ли с собакой?", 3)
    await app.faq_desk.respond(ANNA, "ru", "Спасибо!", 3)  # small talk

    assert answered.answers and not missed.answers
    rows = await app.db.fetch_all("SELECT * FROM faq_answers")
    assert [dict(row) for row in rows] == [{"id": 1, "answered_at": to_db(clock())}]


async def test_the_list_shows_the_most_frequent_and_says_how_many_wait(
    app: App, tmp_path: Path
) -> None:
    await load(app, tmp_path)
    await users(app, ANNA)
    topics = ["собакой", "ребёнком", "велосипедом", "коляской", "палаткой", "гитарой"]
    for number, topic in enumerate(topics * 2):
        for _ in range(1 + number % 3):
            await app.faq_learning.record_miss(ANNA, "ru", f"Пускают ли с {topic} №{number}?")

    misses = await app.faq_learning.frequent_misses()

    assert misses.waiting == 12
    assert len(misses.shown) == MISSES_SHOWN
    assert [item.miss.count for item in misses.shown][:4] == [3, 3, 3, 3]


async def test_a_wording_the_faq_now_answers_leaves_the_list(app: App, tmp_path: Path) -> None:
    path = await load(app, tmp_path)
    await users(app, ANNA)
    await app.faq_learning.record_miss(ANNA, "ru", "Пускают ли с собакой?")
    await app.faq_learning.record_miss(ANNA, "ru", "а трансляцию будете вести?")
    assert (await app.faq_learning.frequent_misses()).waiting == 2

    path.write_text(
        FAQ
        + """- id: pets
  category: Семинары
  question: Пускают ли с собакой?
  answer: Нет, с животными нельзя.
""",
        encoding="utf-8",
    )
    await app.faq.import_file(path)
    misses = await app.faq_learning.frequent_misses()

    assert [item.miss.text for item in misses.shown] == ["а трансляцию будете вести?"]
    assert misses.waiting == 1
    left = await Repositories(app.db).faq_learning.frequent_misses()
    assert [miss.text for miss in left] == ["а трансляцию будете вести?"]
