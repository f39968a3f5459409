"""What the bot does with a participant's free text: small talk, an answer, or a guess.

Three outcomes besides greetings and thanks: confident answers (the best one shown
in full), suggestions («Возможно, вы спрашиваете:») when the search is not sure, or
nothing. Whatever got no confident answer is kept for the organisers' /faq_misses; a
confident answer is counted (its moment only) for the funders' report.
The search runs in a thread so that a long message does not hold up other chats.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.services.faq import FaqService
from bot.services.faq_file import FaqEntry
from bot.services.faq_learning import FaqLearning
from bot.services.small_talk import SmallTalk, small_talk

__all__ = ["FaqDesk", "FaqReply"]


@dataclass(frozen=True, slots=True)
class FaqReply:
    talk: SmallTalk | None = None
    answers: list[FaqEntry] = field(default_factory=list)
    suggestions: list[FaqEntry] = field(default_factory=list)


class FaqDesk:
    def __init__(self, faq: FaqService, learning: FaqLearning) -> None:
        self._faq = faq
        self._learning = learning

    async def respond(self, user_id: int, lang: str, text: str, limit: int) -> FaqReply:
        talk = small_talk(text)
        if talk is not None:
            return FaqReply(talk=talk)
        await self._faq.ready()
        found = await asyncio.to_thread(self._faq.find, text, lang, limit)
        if found.answers:
            await self._learning.record_answer()
        else:
            await self._learning.record_miss(user_id, lang, text)
        return FaqReply(answers=found.answers, suggestions=found.suggestions)
