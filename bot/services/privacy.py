"""`/forget_me`: removing a participant's personal data in one transaction.

Upcoming registrations are cancelled (the waitlist moves up); the remaining
registrations and the user's questions are kept for statistics, detached from the
user; the profile, Telegram names and every unfinished dialog of the user (in any
chat) are deleted, and the write-ahead log is folded into the file so the old values
do not linger.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.services.registration import CancelOutcome, Promotion, RegistrationService
from bot.services.users import UserDirectory
from storage.database import Database
from storage.dialogs import DialogStore
from storage.repositories import Repositories


@dataclass(frozen=True, slots=True)
class ForgetResult:
    profile_deleted: bool
    cancelled: int  # upcoming registrations and waitlist places given up
    anonymised: int  # past registrations kept for statistics without the user's id


class PrivacyService:
    def __init__(
        self,
        db: Database,
        registration: RegistrationService,
        users: UserDirectory,
        dialogs: DialogStore,
        clock: Clock,
    ) -> None:
        self._db = db
        self._registration = registration
        self._users = users
        self._dialogs = dialogs
        self._clock = clock

    async def forget_me(self, user_id: int) -> ForgetResult:
        promotions: list[Promotion] = []
        async with self._db.transaction() as tx:
            repos = Repositories(tx)
            now = self._clock()
            cancelled = 0
            for live in await repos.registrations.live_for_user(user_id):
                seminar = await repos.seminars.get(live.seminar_id)
                if seminar is None or seminar.starts_at <= now:
                    continue
                result = await self._registration.cancel_in(tx, user_id, live.seminar_id)
                if result.outcome is CancelOutcome.CANCELLED:
                    cancelled += 1
                    promotions.extend(result.promotions)
            past = len(await repos.registrations.live_for_user(user_id))
            await repos.registrations.anonymise_user(user_id)
            await repos.questions.detach_user(user_id)
            await repos.faq_learning.delete_misses_of_user(user_id)
            profile_deleted = await repos.profiles.delete(user_id)
            await repos.users.forget_names(user_id)
            await self._dialogs.forget_user(tx, user_id)
        self._users.forget(user_id)
        await self._registration.notify_promotions(promotions)
        await self._db.checkpoint()
        return ForgetResult(profile_deleted, cancelled, past)
