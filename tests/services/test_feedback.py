"""Feedback rules without aiogram: who is surveyed and when, one reminder, the week, answers."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.services.feedback import (
    FEEDBACK_WEEK,
    TEXT_LIMIT,
    RateOutcome,
    TextOutcome,
)
from storage.models import AttendanceKind, MarkMethod, RegistrationStatus, Seminar
from storage.repositories import Repositories
from storage.repositories.feedback import FeedbackField
from tests.recording import RecordingSession
from tests.services.conftest import ADMIN_ID, FakeClock

ANNA, BORIS, OLEG = 101, 102, 103
TWO_HOURS = timedelta(hours=2)


async def ended_seminar(app: App, clock: FakeClock, marked: tuple[int, ...]) -> Seminar:
    """A seminar of two hours that ends at the clock's time; Anna, Boris, Oleg hold seats."""
    repos = Repositories(app.db)
    now = clock()
    for user_id, name in ((ANNA, "Анна"), (BORIS, "Борис"), (OLEG, "Олег")):
        await repos.users.record_seen(user_id, name, None, None, "ru", now)
    seminar = await repos.seminars.create(
        "Итоги года", "", now - TWO_HOURS, "Тюмень", 5, None, now - timedelta(days=3)
    )
    for user_id in (ANNA, BORIS, OLEG):
        registration = await repos.registrations.insert(
            seminar.id, user_id, RegistrationStatus.CONFIRMED, now - timedelta(days=2)
        )
        if user_id in marked:
            await repos.attendance.mark(
                registration.id, AttendanceKind.IN_PERSON, MarkMethod.LIST, ADMIN_ID, now
            )
    return seminar


async def sweep(app: App) -> int:
    """The sweep queues what is due; the outbox sends it. How many were queued."""
    queued = await app.feedback.sweep()
    await app.outbox.run_until_idle()
    return queued


def surveys(session: RecordingSession, chat_id: int) -> list[str]:
    return [text for text in session.texts(chat_id) if "Как вам семинар «Итоги года»" in text]


async def registration_of(app: App, seminar: Seminar, user_id: int) -> int:
    registration = await Repositories(app.db).registrations.live(seminar.id, user_id)
    assert registration is not None
    return registration.id


async def test_survey_waits_for_the_delay_and_reaches_attendees_only_once(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    await ended_seminar(app, clock, marked=(ANNA, BORIS))
    assert await sweep(app) == 0
    clock.advance(TWO_HOURS)
    assert await sweep(app) == 2
    assert await sweep(app) == 0
    assert len(surveys(session, ANNA)) == len(surveys(session, BORIS)) == 1
    assert surveys(session, OLEG) == []


async def test_everyone_with_a_seat_is_surveyed_when_nobody_was_marked(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    await ended_seminar(app, clock, marked=())
    clock.advance(TWO_HOURS)
    assert await sweep(app) == 3


async def test_a_seminar_whose_survey_time_passed_long_ago_is_left_alone(
    app: App, clock: FakeClock
) -> None:
    await ended_seminar(app, clock, marked=())
    clock.advance(TWO_HOURS + timedelta(days=2))
    assert await sweep(app) == 0


async def test_one_reminder_a_day_later_only_without_a_rating(
    app: App, clock: FakeClock, session: RecordingSession
) -> None:
    seminar = await ended_seminar(app, clock, marked=(ANNA, BORIS))
    clock.advance(TWO_HOURS)
    await sweep(app)
    rated = await app.feedback.rate(ANNA, await registration_of(app, seminar, ANNA), 5)
    assert rated.outcome is RateOutcome.FIRST
    clock.advance(timedelta(hours=23))
    assert await sweep(app) == 0
    clock.advance(timedelta(hours=1))
    assert await sweep(app) == 1
    clock.advance(timedelta(days=1))
    assert await sweep(app) == 0
    reminders = [t for t in session.texts(BORIS) if t.startswith("Напоминаем")]
    assert len(reminders) == 1
    assert not any(t.startswith("Напоминаем") for t in session.texts(ANNA))


async def test_rating_by_someone_else_twice_changed_and_after_the_week(
    app: App, clock: FakeClock
) -> None:
    seminar = await ended_seminar(app, clock, marked=(ANNA,))
    clock.advance(TWO_HOURS)
    anna = await registration_of(app, seminar, ANNA)
    assert (await app.feedback.rate(BORIS, anna, 1)).outcome is RateOutcome.STALE
    assert (await app.feedback.rate(ANNA, anna, 4)).outcome is RateOutcome.FIRST
    assert (await app.feedback.rate(ANNA, anna, 4)).outcome is RateOutcome.SAME
    assert (await app.feedback.rate(ANNA, anna, 2)).outcome is RateOutcome.CHANGED
    clock.advance(FEEDBACK_WEEK)
    assert (await app.feedback.rate(ANNA, anna, 5)).outcome is RateOutcome.CLOSED
    answers = await Repositories(app.db).feedback.get(anna)
    assert answers is not None and answers.rating == 2


async def test_a_long_answer_is_cut_and_skip_stores_nothing(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, marked=(ANNA,))
    clock.advance(TWO_HOURS)
    anna = await registration_of(app, seminar, ANNA)
    long = await app.feedback.answer(ANNA, anna, FeedbackField.USEFUL, "я" * 10_000)
    assert long == long.__class__(TextOutcome.SAVED, cut=True)
    skipped = await app.feedback.answer(ANNA, anna, FeedbackField.NEXT_TOPIC, None)
    assert skipped.outcome is TextOutcome.SAVED
    answers = await Repositories(app.db).feedback.get(anna)
    assert answers is not None
    assert answers.useful == "я" * TEXT_LIMIT
    assert answers.next_topic is None
    assert (await app.feedback.answer(BORIS, anna, FeedbackField.USEFUL, "x")).outcome is (
        TextOutcome.STALE
    )


async def test_results_count_surveyed_ratings_and_comments(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, marked=(ANNA, BORIS))
    clock.advance(TWO_HOURS)
    await sweep(app)
    await app.feedback.rate(ANNA, await registration_of(app, seminar, ANNA), 5)
    await app.feedback.rate(BORIS, await registration_of(app, seminar, BORIS), 2)
    await app.feedback.answer(
        ANNA, await registration_of(app, seminar, ANNA), FeedbackField.USEFUL, "Кейсы"
    )
    results = await app.feedback.results(seminar.id)
    assert results is not None
    assert (results.totals.surveyed, results.totals.responded) == (2, 2)
    assert results.totals.average == 3.5
    assert results.totals.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert [(c.rating, c.useful) for c in results.comments] == [(5, "Кейсы")]


async def test_a_survey_in_flight_at_a_crash_counts_as_surveyed(app: App, clock: FakeClock) -> None:
    seminar = await ended_seminar(app, clock, marked=(ANNA, BORIS))
    clock.advance(TWO_HOURS)
    await sweep(app)
    # Anna's survey was being sent when the bot was killed: its outcome is unknown, yet she
    # answered. Boris's delivery is recorded as failed, yet he answered too.
    for user_id, status in ((ANNA, "uncertain"), (BORIS, "failed")):
        await app.db.execute(
            "UPDATE outbox SET status = ? WHERE kind = 'survey' AND chat_id = ?",
            (status, user_id),
        )
    await app.feedback.rate(ANNA, await registration_of(app, seminar, ANNA), 4)
    await app.feedback.rate(BORIS, await registration_of(app, seminar, BORIS), 3)
    results = await app.feedback.results(seminar.id)
    assert results is not None
    assert (results.totals.surveyed, results.totals.responded) == (2, 2)
