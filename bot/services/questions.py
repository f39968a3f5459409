"""Questions to organisers: limits, posting to the staff, answers relayed back, FAQ additions.

A question is posted to STAFF_CHAT_ID (in STAFF_LANGUAGE), or to each admin privately
when it is not set; every staff message is recorded in `question_posts`, so an
organiser's reply to any of them finds the question, and all of them are edited once it
is answered or its asker used /forget_me. The other staff messages that show a
question's words (its FAQ drafts, the "answer sent" confirmation with the FAQ buttons,
the /questions overview) are recorded in `staff_posts`: /forget_me edits them to say
the participant deleted their data, and publishing or cancelling a draft closes its
draft messages (no buttons, who did what); a published one stays recorded, so that
/forget_me, if it removes the entry, says so in it. A staff message names the asker only; an
admin sees the organisation on request. The answer is recorded with a conditional
UPDATE, so of two organisers answering at once exactly one wins and the other is told
politely. A question becomes public only through a draft that an admin reviewed (and
may rewrite): the participant's words may hold a phone number or an address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.formatting import format_datetime, shorten, zone_phrase
from bot.i18n import Tr, Translator
from bot.services.faq import FaqService
from bot.services.recipients import Recipients, language_of
from bot.services.sender import Delivery, Sender
from bot.services.small_talk import small_talk
from bot.services.staff import StaffAuthority
from bot.services.text_input import strip_format_characters
from bot.settings import Settings
from storage.database import Database
from storage.models import FaqSource, Question, StaffPostKind, User
from storage.repositories import Repositories

log = logging.getLogger(__name__)

MAX_OPEN_QUESTIONS = 5
MAX_QUESTION_LENGTH = 2000
# An answer is quoted with its question in one message to the asker (4096 characters
# at most), so it must leave room for the quote.
MAX_ANSWER_LENGTH = 3500
_ANSWER_EXCERPT = 1000  # how much of the answer the edited staff message shows
_QUOTE_LENGTH = 300  # how much of the question the asker's answer message quotes

# The buttons under a question's staff message: Answer while open, Add to FAQ once answered.
StaffKeyboard = Callable[[Tr, Question], InlineKeyboardMarkup | None]
# What a staff message of each kind says once the asker used /forget_me.
_FORGOTTEN = {
    StaffPostKind.DRAFT: "questions.staff.draft_forgotten",
    StaffPostKind.ANSWERED: "questions.staff.answered_forgotten",
    StaffPostKind.OVERVIEW: "questions.staff.overview_forgotten",
    StaffPostKind.PUBLISHED: "questions.staff.published_forgotten",
}


class SubmitOutcome(StrEnum):
    SENT = "sent"
    EMPTY = "empty"  # nothing visible was left once format characters were removed
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"
    NOT_A_QUESTION = "not_a_question"  # «ок», «спасибо», «👍»: nothing to ask the organisers
    ALREADY_SENT = "already_sent"  # a second press of the button that sent it


@dataclass(frozen=True, slots=True)
class SubmitResult:
    outcome: SubmitOutcome
    question: Question | None = None


class AnswerOutcome(StrEnum):
    ANSWERED = "answered"
    ALREADY_ANSWERED = "already_answered"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: AnswerOutcome
    question: Question | None = None
    delivery: Delivery | None = None  # None: the asker has deleted their data


class AddToFaqOutcome(StrEnum):
    ADDED = "added"
    ALREADY_ADDED = "already_added"
    NOT_ANSWERED = "not_answered"
    NOT_FOUND = "not_found"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    NO_DRAFT = "no_draft"


class DraftField(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


DRAFT_LIMITS = {DraftField.QUESTION: MAX_QUESTION_LENGTH, DraftField.ANSWER: MAX_ANSWER_LENGTH}


@dataclass(frozen=True, slots=True)
class FaqDraft:
    """What an admin reviews before a question and its answer become a public FAQ entry."""

    outcome: AddToFaqOutcome  # ADDED: the draft is there to review
    question_id: int
    question: str = ""
    answer: str = ""
    was_open: bool = False  # the draft existed already: no new one was made


@dataclass(frozen=True, slots=True)
class Asker:
    name: str
    organisation: str | None
    username: str | None


def is_forgotten(question: Question) -> bool:
    """The asker used /forget_me: the texts are blanked and the person unknown."""
    return question.user_id is None and not question.text


class QuestionService:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        sender: Sender,
        translator: Translator,
        settings: Settings,
        faq: FaqService,
        recipients: Recipients,
        staff: StaffAuthority,
        staff_keyboard: StaffKeyboard,
        clock: Clock,
    ) -> None:
        self._db = db
        self._bot = bot
        self._sender = sender
        self._translator = translator
        self._settings = settings
        self._faq = faq
        self._recipients = recipients
        self._staff = staff
        self._staff_keyboard = staff_keyboard
        self._clock = clock

    async def may_answer(self, chat_id: int, user_id: int) -> bool:
        """An admin, or an administrator of the staff chat writing there (StaffAuthority)."""
        return await self._staff.may_answer(chat_id, user_id)

    def may_publish(self, user_id: int) -> bool:
        """Only admins put text into the public FAQ."""
        return self._staff.may_publish(user_id)

    # ------------------------------------------------------------------ asking

    async def can_ask(self, user_id: int) -> bool:
        return await Repositories(self._db).questions.count_open(user_id) < MAX_OPEN_QUESTIONS

    async def submit(
        self, user: User, text: str, source_message_id: int | None = None
    ) -> SubmitResult:
        """Store the question (within the limits) and post it to the organisers.

        A question sent by a button names the bot message it was on: from one message
        it is sent once, however often the button is pressed.
        """
        text = strip_format_characters(text).strip()
        if not text:
            return SubmitResult(SubmitOutcome.EMPTY)
        if len(text) > MAX_QUESTION_LENGTH:
            return SubmitResult(SubmitOutcome.TOO_LONG)
        if small_talk(text) is not None:
            return SubmitResult(SubmitOutcome.NOT_A_QUESTION)
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            if await repos.questions.count_open(user.id) >= MAX_OPEN_QUESTIONS:
                return SubmitResult(SubmitOutcome.TOO_MANY)
            question = await repos.questions.create(user.id, text, self._clock(), source_message_id)
            if question is None:
                return SubmitResult(SubmitOutcome.ALREADY_SENT)
        posted = 0
        for chat_id, tr in await self._recipients.staff():
            if await self.post(question, chat_id, tr) is Delivery.SENT:
                posted += 1
        if posted == 0:
            log.warning("question %d reached no organiser; it waits in /questions", question.id)
        log.info("question %d from user %d posted to %d chat(s)", question.id, user.id, posted)
        return SubmitResult(SubmitOutcome.SENT, question)

    async def post(self, question: Question, chat_id: int, tr: Tr) -> Delivery:
        """Send the question with its Answer button to one chat and remember the message."""
        text = await self.render(question, tr)
        markup = self._staff_keyboard(tr, question)
        sent: list[Message] = []

        async def call() -> None:
            sent.append(await self._bot.send_message(chat_id, text, reply_markup=markup))

        delivery = await self._sender.deliver(chat_id, call)
        if sent:
            await Repositories(self._db).questions.add_post(
                chat_id, sent[0].message_id, question.id
            )
        return delivery

    async def remember_post(
        self, kind: StaffPostKind, chat_id: int, message_id: int, question_ids: Sequence[int]
    ) -> None:
        """A staff message showing these questions' words, for /forget_me to reach later."""
        repos = Repositories(self._db)
        for question_id in question_ids:
            await repos.questions.add_staff_post(chat_id, message_id, question_id, kind)

    async def _rewrite_posts(
        self,
        question_id: int,
        kinds: tuple[StaffPostKind, ...],
        text_of: Callable[[Tr, StaffPostKind, int], str],
    ) -> list[tuple[int, int]]:
        """Edit the question's staff messages of these kinds, without buttons, and forget them;
        returns the (chat_id, message_id) edited."""
        repos = Repositories(self._db)
        posts = await repos.questions.staff_posts(question_id, kinds)
        for chat_id, message_id, kind in posts:
            text = text_of(await self._recipients.chat(chat_id), kind, question_id)
            with suppress(TelegramBadRequest, TelegramForbiddenError):
                await self._bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=None
                )
            await repos.questions.forget_staff_post(chat_id, message_id)
        return [(chat_id, message_id) for chat_id, message_id, _kind in posts]

    async def open_questions(self, limit: int) -> tuple[list[Question], int]:
        """The oldest `limit` unanswered questions and how many there are in all."""
        repos = Repositories(self._db)
        return await repos.questions.open_questions(limit), await repos.questions.count_all_open()

    # ------------------------------------------------------------------ rendering

    async def _asker(self, repos: Repositories, user_id: int | None) -> Asker | None:
        if user_id is None:
            return None
        user = await repos.users.get(user_id)
        profile = await repos.profiles.get(user_id)
        if user is None:
            return None
        name = profile.full_name if profile and profile.full_name else user.display_name
        return Asker(name, profile.organisation if profile else None, user.username)

    async def _organiser_name(self, repos: Repositories, user_id: int) -> str:
        profile = await repos.profiles.get(user_id)
        if profile and profile.full_name:
            return profile.full_name
        user = await repos.users.get(user_id)
        return user.display_name if user else str(user_id)

    async def asker_of(self, question_id: int) -> Asker | None:
        """Name, organisation and username of who asked: for an admin who asks to see them."""
        repos = Repositories(self._db)
        question = await repos.questions.get(question_id)
        return None if question is None else await self._asker(repos, question.user_id)

    async def render(self, question: Question, tr: Tr) -> str:
        """The staff message: who asks (name only), the question, who answered when."""
        if is_forgotten(question):
            return str(tr("questions.staff.forgotten", number=question.id))
        repos = Repositories(self._db)
        asker = await self._asker(repos, question.user_id)
        who = tr("questions.staff.anonymous") if asker is None else asker.name
        text: str = tr("questions.staff.new", number=question.id, who=who, question=question.text)
        if question.answered_at is not None and question.answered_by is not None:
            text += tr(
                "questions.staff.answered",
                name=await self._organiser_name(repos, question.answered_by),
                when=format_datetime(question.answered_at, self._settings.timezone, tr),
                zone=zone_phrase(self._settings.timezone, tr, question.answered_at),
                answer=shorten(question.answer or "", _ANSWER_EXCERPT),
            )
        return text

    # ------------------------------------------------------------------ answering

    async def question_of_post(self, chat_id: int, message_id: int) -> int | None:
        return await Repositories(self._db).questions.question_of_post(chat_id, message_id)

    async def get(self, question_id: int) -> Question | None:
        return await Repositories(self._db).questions.get(question_id)

    async def answered_by_name(self, question: Question) -> str:
        if question.answered_by is None:
            return ""
        return await self._organiser_name(Repositories(self._db), question.answered_by)

    async def answer(self, question_id: int, organiser_id: int, text: str) -> AnswerResult:
        """Record the answer once, send it to the asker, and edit every staff message."""
        text = strip_format_characters(text).strip()
        repos = Repositories(self._db)
        question = await repos.questions.get(question_id)
        if question is None or is_forgotten(question):
            return AnswerResult(AnswerOutcome.NOT_FOUND)
        if question.is_answered:
            return AnswerResult(AnswerOutcome.ALREADY_ANSWERED, question)
        if not text:
            return AnswerResult(AnswerOutcome.EMPTY, question)
        if len(text) > MAX_ANSWER_LENGTH:
            return AnswerResult(AnswerOutcome.TOO_LONG, question)
        if not await repos.questions.mark_answered(question_id, text, organiser_id, self._clock()):
            return AnswerResult(
                AnswerOutcome.ALREADY_ANSWERED, await repos.questions.get(question_id)
            )
        answered = await repos.questions.get(question_id)
        assert answered is not None
        delivery = await self._deliver_answer(repos, answered)
        await self.refresh_posts(answered)
        log.info("question %d answered by %d; delivery %s", question_id, organiser_id, delivery)
        return AnswerResult(AnswerOutcome.ANSWERED, answered, delivery)

    async def _deliver_answer(self, repos: Repositories, question: Question) -> Delivery | None:
        if question.user_id is None:
            return None
        asker = await repos.users.get(question.user_id)
        if asker is None:
            return None
        tr = self._translator.for_language(language_of(asker))
        text = tr(
            "questions.answer_for_asker",
            question=shorten(question.text, _QUOTE_LENGTH),
            answer=question.answer or "",
        )
        return await self._sender.send_message(asker.id, text)

    async def refresh_posts(self, question: Question) -> None:
        """Show every staff message of the question as it is now (answered or forgotten)."""
        repos = Repositories(self._db)
        for chat_id, message_id in await repos.questions.posts(question.id):
            tr = await self._recipients.chat(chat_id)
            text = await self.render(question, tr)
            # A message may be too old to edit or deleted by someone; the rest still are.
            with suppress(TelegramBadRequest, TelegramForbiddenError):
                await self._bot.edit_message_text(
                    text=text,
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=self._staff_keyboard(tr, question),
                )

    # ------------------------------------------------------------------ FAQ

    async def start_draft(self, question_id: int, admin_id: int) -> FaqDraft:
        """The FAQ draft of an answered question (made from its texts the first time)."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            question = await repos.questions.get(question_id)
            if question is None or is_forgotten(question):
                return FaqDraft(AddToFaqOutcome.NOT_FOUND, question_id)
            if question.answer is None:
                return FaqDraft(AddToFaqOutcome.NOT_ANSWERED, question_id)
            if question.faq_entry_id is not None:
                return FaqDraft(AddToFaqOutcome.ALREADY_ADDED, question_id)
            draft = await repos.questions.draft(question_id)
            was_open = draft is not None
            if draft is None:
                draft = (question.text, question.answer)
                await repos.questions.save_draft(
                    question_id, draft[0], draft[1], admin_id, self._clock()
                )
        return FaqDraft(AddToFaqOutcome.ADDED, question_id, draft[0], draft[1], was_open)

    async def draft_post_in(self, question_id: int, chat_id: int) -> int | None:
        """The latest message in this chat showing the question's open draft, if any."""
        posts = await Repositories(self._db).questions.staff_posts(
            question_id, (StaffPostKind.DRAFT,)
        )
        ids = [message_id for chat, message_id, _kind in posts if chat == chat_id]
        return max(ids) if ids else None

    async def edit_draft(
        self, question_id: int, admin_id: int, field: DraftField, text: str
    ) -> FaqDraft:
        """Replace the draft's question or answer with what the admin typed."""
        text = strip_format_characters(text).strip()
        if not text:
            return FaqDraft(AddToFaqOutcome.EMPTY, question_id)
        if len(text) > DRAFT_LIMITS[field]:
            return FaqDraft(AddToFaqOutcome.TOO_LONG, question_id)
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            draft = await repos.questions.draft(question_id)
            if draft is None:
                return FaqDraft(AddToFaqOutcome.NO_DRAFT, question_id)
            question, answer = draft
            if field is DraftField.QUESTION:
                question = text
            else:
                answer = text
            await repos.questions.save_draft(question_id, question, answer, admin_id, self._clock())
        return FaqDraft(AddToFaqOutcome.ADDED, question_id, question, answer)

    async def has_draft(self, question_id: int) -> bool:
        return await Repositories(self._db).questions.draft(question_id) is not None

    async def drop_draft(self, question_id: int, admin_id: int) -> bool:
        """Cancel the draft and close its messages; False if it was already gone."""
        if not await Repositories(self._db).questions.delete_draft(question_id):
            return False
        await self._close_draft_posts(question_id, "questions.draft_cancelled", admin_id)
        return True

    async def _close_draft_posts(
        self, question_id: int, key: str, admin_id: int
    ) -> list[tuple[int, int]]:
        name = await self._organiser_name(Repositories(self._db), admin_id)
        return await self._rewrite_posts(
            question_id,
            (StaffPostKind.DRAFT,),
            lambda tr, _kind, number: str(tr(key, number=number, name=name)),
        )

    async def publish_draft(self, question_id: int, admin_id: int) -> AddToFaqOutcome:
        """Make the reviewed draft an organiser FAQ entry (kept across imports)."""
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            question = await repos.questions.get(question_id)
            if question is None or is_forgotten(question):
                return AddToFaqOutcome.NOT_FOUND
            if question.faq_entry_id is not None:
                return AddToFaqOutcome.ALREADY_ADDED
            draft = await repos.questions.draft(question_id)
            if draft is None:
                return AddToFaqOutcome.NO_DRAFT
            asker = None if question.user_id is None else await repos.users.get(question.user_id)
            lang = language_of(asker)
            entry_id = f"question-{question.id}"
            await repos.faq.upsert(
                entry_id,
                lang,
                str(self._translator.text(lang, "faq.organiser_category")),
                draft[0],
                (),
                draft[1],
                FaqSource.ORGANISER,
                self._clock(),
            )
            await repos.questions.set_faq_entry(question.id, entry_id)
            await repos.questions.delete_draft(question.id)
        await self._faq.reload()
        closed = await self._close_draft_posts(question_id, "questions.draft_published", admin_id)
        for chat_id, message_id in closed:  # /forget_me may remove the entry later
            await self.remember_post(StaffPostKind.PUBLISHED, chat_id, message_id, [question_id])
        added = await Repositories(self._db).questions.get(question_id)
        if added is not None:
            await self.refresh_posts(added)  # the Add to FAQ buttons are gone
        log.info("question %d added to the FAQ as %s", question_id, entry_id)
        return AddToFaqOutcome.ADDED

    async def questions_forgotten(
        self, question_ids: Sequence[int], faq_changed: bool, unpublished: Sequence[int]
    ) -> None:
        """After /forget_me: the FAQ search without removed entries, every staff message
        that showed the questions' words (posts, drafts, confirmations, overviews) redone,
        and the «published» messages of the `unpublished` questions (their FAQ entry went
        with them) say so; an entry an admin reworded stays, and so does its message."""
        if faq_changed:
            await self._faq.reload()
        repos = Repositories(self._db)
        for question_id in question_ids:
            question = await repos.questions.get(question_id)
            if question is not None:
                await self.refresh_posts(question)
            kinds = tuple(
                kind
                for kind in StaffPostKind
                if kind is not StaffPostKind.PUBLISHED or question_id in unpublished
            )
            await self._rewrite_posts(
                question_id,
                kinds,
                lambda tr, kind, number: str(tr(_FORGOTTEN[kind], number=number)),
            )
