"""StaffAuthority: admins anywhere; administrators of the staff chat there; a brief cache."""

from __future__ import annotations

from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetChatMember
from aiogram.types import ChatMemberMember, ChatMemberOwner, User

from bot.services.staff import StaffAuthority
from bot.settings import Settings

STAFF = -100500
ADMIN = 1
OWNER = 2
MEMBER = 3
STRANGER = 4


class FakeMembers:
    """Answers getChatMember like Telegram for the staff chat, and counts the calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.status = {OWNER: "creator", MEMBER: "member"}

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.calls += 1
        user = User(id=user_id, is_bot=False, first_name="U")
        status = self.status.get(user_id)
        if status is None:
            raise TelegramBadRequest(GetChatMember(chat_id=chat_id, user_id=user_id), "not found")
        if status == "creator":
            return ChatMemberOwner(user=user, is_anonymous=False)
        return ChatMemberMember(user=user)


def authority(members: FakeMembers, now: list[float], cache_size: int = 512) -> StaffAuthority:
    settings = Settings(
        bot_token="1:abcdefgh",  # type: ignore[arg-type]
        admin_ids=frozenset({ADMIN}),
        staff_chat_id=STAFF,
        _env_file=None,  # type: ignore[call-arg]
    )
    return StaffAuthority(
        members,  # type: ignore[arg-type]
        settings,
        monotonic=lambda: now[0],
        cache_size=cache_size,
    )


async def test_who_may_answer_and_publish() -> None:
    members = FakeMembers()
    staff = authority(members, [0.0])
    assert await staff.may_answer(STAFF, ADMIN) and await staff.may_answer(ADMIN, ADMIN)
    assert members.calls == 0  # admins need no question to Telegram
    assert await staff.may_answer(STAFF, OWNER)
    assert not await staff.may_answer(STAFF, MEMBER)
    assert not await staff.may_answer(STAFF, STRANGER)  # Telegram says "not found"
    assert not await staff.may_answer(OWNER, OWNER)  # only in the staff chat itself
    assert staff.may_publish(ADMIN) and not staff.may_publish(OWNER)


async def test_the_answer_is_remembered_briefly() -> None:
    members = FakeMembers()
    now = [100.0]
    staff = authority(members, now)
    assert await staff.may_answer(STAFF, OWNER)
    members.status[OWNER] = "member"  # demoted
    now[0] += 30
    assert await staff.may_answer(STAFF, OWNER) and members.calls == 1
    now[0] += 31
    assert not await staff.may_answer(STAFF, OWNER) and members.calls == 2


async def test_the_memory_is_bounded_in_size_and_time() -> None:
    members = FakeMembers()
    now = [0.0]
    staff = authority(members, now, cache_size=3)
    for member in range(100, 110):  # ten plain members press a staff button
        assert not await staff.may_answer(STAFF, member)
    assert len(staff) == 3
    members.calls = 0
    assert not await staff.may_answer(STAFF, 109) and members.calls == 0  # recent: remembered
    assert not await staff.may_answer(STAFF, 100) and members.calls == 1  # evicted: asked again
    now[0] += 61
    assert await staff.may_answer(STAFF, OWNER)
    assert len(staff) == 1  # the expired answers went with the next question to Telegram
