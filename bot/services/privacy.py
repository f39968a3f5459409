"""`/forget_me`: removing a participant's personal data in one transaction.

Upcoming registrations are cancelled (the waitlist moves up); past registrations and those
of a cancelled seminar are kept for statistics, detached from the user, with their feedback
ratings (the written answers go) and certificates (still valid, without the holder's name
and id). The user's questions are kept as a count (asked, answered) but their texts and the answers
are blanked; an FAQ entry made from one of them is removed unless an admin rewrote its
question, and an unpublished draft goes too. The profile, Telegram names and every
unfinished dialog of the user (in any chat) are deleted, the user leaves the "Everyone"
audience, and the write-ahead log is folded into the file so the old values do not
linger. Afterwards the staff messages that showed the questions say that the participant
deleted their data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.clock import Clock
from bot.services.faq_learning import MISS_MAX_LENGTH
from bot.services.registration import CancelOutcome, Promotion, RegistrationService
from bot.services.users import UserDirectory
from storage.database import Database
from storage.dialogs import DialogStore
from storage.models import FaqSource, Question
from storage.repositories import Repositories


class StaffPosts(Protocol):
    """What shows questions to the staff (QuestionService): told once texts are blanked."""

    async def questions_forgotten(
        self, question_ids: Sequence[int], faq_changed: bool, unpublished: Sequence[int]
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class ForgetResult:
    profile_deleted: bool
    cancelled: int  # upcoming registrations and waitlist places given up
    anonymised: int  # past registrations kept for statistics without the user's id
    questions: int = 0  # questions whose texts (and answers) were blanked
    faq_removed: int = 0  # FAQ entries that carried a question's words
    unanswered: int = 0  # messages the FAQ did not answer, kept for /faq_misses


def _same_words(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


@dataclass(frozen=True, slots=True)
class ForgottenQuestions:
    asked: list[Question]
    faq_removed: int  # FAQ texts (entries and wordings) that went with them
    unpublished: list[int]  # the questions whose published FAQ entry was removed


async def _forget_questions(repos: Repositories, user_id: int) -> ForgottenQuestions:
    """Blank the user's questions and remove the FAQ texts in their words."""
    asked = await repos.questions.of_user(user_id)
    faq_removed = 0
    unpublished: list[int] = []
    for question in asked:
        await repos.questions.delete_draft(question.id)
        if question.faq_entry_id is None:
            continue
        entry = await repos.faq.get(question.faq_entry_id)
        if entry is None:
            continue
        if entry.id != f"question-{question.id}" or entry.source is not FaqSource.ORGANISER:
            # Attached to an existing entry: the question's words are one of its wordings.
            wording = question.text.strip()[:MISS_MAX_LENGTH]
            faq_removed += await repos.faq_learning.delete_alias(entry.id, wording)
        elif _same_words(entry.question, question.text) and await repos.faq.delete(entry.id):
            # Published as asked; an admin who rewrote the question made it their own words.
            faq_removed += 1
            unpublished.append(question.id)
    await repos.questions.blank_user(user_id)
    return ForgottenQuestions(asked, faq_removed, unpublished)


class PrivacyService:
    def __init__(
        self,
        db: Database,
        registration: RegistrationService,
        users: UserDirectory,
        dialogs: DialogStore,
        staff_posts: StaffPosts,
        clock: Clock,
    ) -> None:
        self._db = db
        self._registration = registration
        self._users = users
        self._dialogs = dialogs
        self._staff_posts = staff_posts
        self._clock = clock

    async def forget_me(self, user_id: int) -> ForgetResult:
        promotions: list[Promotion] = []
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            now = self._clock()
            cancelled = 0
            for live in await repos.registrations.live_for_user(user_id):
                seminar = await repos.seminars.get(live.seminar_id)
                # A cancelled seminar's registrations are its record: kept, like past ones.
                if seminar is None or seminar.is_cancelled or seminar.starts_at <= now:
                    continue
                result = await self._registration.cancel_in(tx, user_id, live.seminar_id)
                if result.outcome is CancelOutcome.CANCELLED:
                    cancelled += 1
                    promotions.extend(result.promotions)
            past = len(await repos.registrations.live_for_user(user_id))
            await repos.feedback.forget_texts(user_id)
            await repos.certificates.forget_user(user_id)
            await repos.registrations.anonymise_user(user_id)
            questions = await _forget_questions(repos, user_id)
            await repos.attendance.forget_walk_ins(user_id)
            unanswered = await repos.faq_learning.delete_misses_of_user(user_id)
            profile_deleted = await repos.profiles.delete(user_id)
            await repos.users.forget_names(user_id, now)
            await self._dialogs.forget_user(tx, user_id)
        self._users.forget(user_id)
        await self._registration.notify_promotions(promotions)
        await self._db.checkpoint()
        await self._staff_posts.questions_forgotten(
            [q.id for q in questions.asked], questions.faq_removed > 0, questions.unpublished
        )
        return ForgetResult(
            profile_deleted,
            cancelled,
            past,
            len(questions.asked),
            questions.faq_removed,
            unanswered,
        )
