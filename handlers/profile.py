"""The profile dialog: consent, full name, organisation, phone — then the pending registration.

Answers that start with `/` are never taken here, so /cancel (common router) and other
commands keep working inside the dialog.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.formatting import RenderContext
from bot.i18n import Tr, join
from bot.services.profile import (
    TEXT_MAX_LENGTH,
    TEXT_MIN_LENGTH,
    check_full_name,
    check_organisation,
    normalise_phone,
)
from bot.services.registration import RegisterOutcome, RegistrationService
from handlers.filters import HAS_CONTACT, NOT_COMMAND, NOT_TYPED, TYPED, typed_text
from handlers.seminar_views import card_keyboard, load_card, registration_reply, render_card
from storage.models import User
from storage.repositories import Repositories


class ProfileForm(StatesGroup):
    consent = State()
    full_name = State()
    organisation = State()
    phone = State()


class ProfileCb(CallbackData, prefix="prof"):
    action: str  # agree | decline | edit


def _phone_keyboard(tr: Tr) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=tr("profile.share_phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def begin_profile(
    bot: Bot, chat_id: int, state: FSMContext, tr: Tr, *, seminar_id: int | None, consented: bool
) -> None:
    """Start the dialog; `seminar_id` is registered for once the profile is saved."""
    await state.set_state(None)
    await state.set_data({"seminar_id": seminar_id})
    if consented:
        await state.set_state(ProfileForm.full_name)
        await bot.send_message(chat_id, tr("profile.ask.full_name"))
        return
    await state.set_state(ProfileForm.consent)
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("profile.agree"), callback_data=ProfileCb(action="agree"))
    builder.button(text=tr("profile.decline"), callback_data=ProfileCb(action="decline"))
    builder.adjust(1)
    await bot.send_message(chat_id, tr("profile.consent"), reply_markup=builder.as_markup())


async def edit_profile(
    query: CallbackQuery, bot: Bot, user: User, repos: Repositories, state: FSMContext, tr: Tr
) -> None:
    consented = await repos.profiles.get(user.id) is not None
    chat_id = query.message.chat.id if query.message is not None else user.id
    await begin_profile(bot, chat_id, state, tr, seminar_id=None, consented=consented)


async def agree(
    query: CallbackQuery, bot: Bot, user: User, state: FSMContext, tr: Tr, clock: Clock
) -> None:
    await state.update_data(consent_at=clock().isoformat())
    await state.set_state(ProfileForm.full_name)
    await bot.send_message(user.id, tr("profile.ask.full_name"))


async def decline(
    query: CallbackQuery,
    bot: Bot,
    user: User,
    state: FSMContext,
    repos: Repositories,
    ctx: RenderContext,
) -> None:
    """No consent, no data: the seminar's card comes back, so Register is one press away."""
    tr = ctx.tr
    seminar_id = (await state.get_data()).get("seminar_id")
    await state.clear()
    seminar = await repos.seminars.get(seminar_id) if isinstance(seminar_id, int) else None
    if seminar is None:
        await bot.send_message(user.id, tr("profile.declined"))
        return
    card = await load_card(repos, seminar, user.id)
    text = render_card(tr, ctx.tz, card, ctx.now, free=ctx.free_of_charge)
    await bot.send_message(
        user.id,
        join("\n\n", [tr("profile.declined_card"), text]),
        reply_markup=card_keyboard(tr, card, ctx.now),
    )


async def consent_reminder(message: Message, tr: Tr) -> None:
    """Anything sent while the consent buttons wait: one short line, never the whole text.

    A question typed here («а это обязательно?») gets a fixed answer about the data this
    step asks for, whatever FAQ file the organisers use; the dialog stays where it was.
    """
    pending = tr("profile.consent_pending")
    if not typed_text(message).rstrip().endswith("?"):
        await message.answer(pending)
        return
    await message.answer(join("\n\n", [tr("profile.consent_answer"), pending]))


def _text_error(tr: Tr, problem: str) -> str:
    return tr(f"profile.errors.{problem}", min=TEXT_MIN_LENGTH, max=TEXT_MAX_LENGTH)


async def full_name(message: Message, state: FSMContext, tr: Tr) -> None:
    checked = check_full_name(typed_text(message))
    if checked.value is None:
        await message.answer(
            f"{_text_error(tr, str(checked.problem))}\n\n{tr('profile.ask.full_name')}"
        )
        return
    await state.update_data(full_name=checked.value)
    await state.set_state(ProfileForm.organisation)
    await message.answer(tr("profile.ask.organisation"))


async def organisation(message: Message, state: FSMContext, tr: Tr) -> None:
    checked = check_organisation(typed_text(message))
    if checked.value is None:
        await message.answer(
            f"{_text_error(tr, str(checked.problem))}\n\n{tr('profile.ask.organisation')}"
        )
        return
    await state.update_data(organisation=checked.value)
    await state.set_state(ProfileForm.phone)
    await message.answer(tr("profile.ask.phone"), reply_markup=_phone_keyboard(tr))


async def phone_text(
    message: Message,
    bot: Bot,
    user: User,
    state: FSMContext,
    ctx: RenderContext,
    repos: Repositories,
    registration: RegistrationService,
) -> None:
    tr = ctx.tr
    phone = normalise_phone(typed_text(message))
    if phone is None:
        await message.answer(
            f"{tr('profile.errors.phone')}\n\n{tr('profile.ask.phone')}",
            reply_markup=_phone_keyboard(tr),
        )
        return
    await _finish(message, bot, user, phone, state, ctx, repos, registration)


async def phone_contact(
    message: Message,
    bot: Bot,
    user: User,
    state: FSMContext,
    ctx: RenderContext,
    repos: Repositories,
    registration: RegistrationService,
) -> None:
    tr = ctx.tr
    contact = message.contact
    assert contact is not None  # the filter guarantees it
    if contact.user_id != user.id:
        await message.answer(
            f"{tr('profile.errors.foreign_contact')}\n\n{tr('profile.ask.phone')}",
            reply_markup=_phone_keyboard(tr),
        )
        return
    phone = normalise_phone(contact.phone_number)
    if phone is None:
        # Telegram sends the digits without "+"; try again as an international number.
        phone = normalise_phone(f"+{contact.phone_number.lstrip('+')}")
    if phone is None:
        await message.answer(
            f"{tr('profile.errors.phone')}\n\n{tr('profile.ask.phone')}",
            reply_markup=_phone_keyboard(tr),
        )
        return
    await _finish(message, bot, user, phone, state, ctx, repos, registration)


async def not_text(message: Message, state: FSMContext, tr: Tr) -> None:
    current = await state.get_state()
    question = {
        ProfileForm.full_name.state: "profile.ask.full_name",
        ProfileForm.organisation.state: "profile.ask.organisation",
        ProfileForm.phone.state: "profile.ask.phone",
    }.get(current or "", "profile.ask.full_name")
    markup = _phone_keyboard(tr) if current == ProfileForm.phone.state else None
    await message.answer(f"{tr('profile.errors.not_text')}\n\n{tr(question)}", reply_markup=markup)


async def _finish(
    message: Message,
    bot: Bot,
    user: User,
    phone: str,
    state: FSMContext,
    ctx: RenderContext,
    repos: Repositories,
    registration: RegistrationService,
) -> None:
    tr, now = ctx.tr, ctx.now
    data = await state.get_data()
    existing = await repos.profiles.get(user.id)
    consent_at = (
        existing.consent_at if existing is not None else _parse_time(data.get("consent_at"))
    )
    if consent_at is None or "full_name" not in data or "organisation" not in data:
        # The dialog's data is gone (e.g. /forget_me meanwhile): start over with consent.
        await begin_profile(
            bot,
            message.chat.id,
            state,
            tr,
            seminar_id=data.get("seminar_id"),
            consented=False,
        )
        return
    await repos.profiles.save(
        user.id, data["full_name"], data["organisation"], phone, consent_at, now
    )
    await state.clear()
    key = "profile.updated" if existing is not None else "profile.saved"
    seminar_id = data.get("seminar_id")
    if not isinstance(seminar_id, int):
        await message.answer(tr(key), reply_markup=ReplyKeyboardRemove())
        return
    # One message: the profile is saved and here is the seat (or the waitlist number).
    # It takes the phone keyboard away, so the card's buttons wait in /my.
    result = await registration.register(user.id, seminar_id)
    text, _ = registration_reply(ctx, result)
    waiting = result.outcome in (RegisterOutcome.WAITLISTED, RegisterOutcome.ALREADY_WAITLISTED)
    manage = "seminars.result.manage_waitlist_in_my" if waiting else "seminars.result.manage_in_my"
    await bot.send_message(
        message.chat.id,
        join("\n\n", [tr(key), text, tr(manage)]),
        reply_markup=ReplyKeyboardRemove(),
    )


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def create_router() -> Router:
    router = Router(name="profile")
    router.callback_query.register(edit_profile, ProfileCb.filter(F.action == "edit"))
    router.callback_query.register(
        agree, ProfileCb.filter(F.action == "agree"), StateFilter(ProfileForm.consent)
    )
    router.callback_query.register(
        decline, ProfileCb.filter(F.action == "decline"), StateFilter(ProfileForm.consent)
    )
    router.message.register(consent_reminder, StateFilter(ProfileForm.consent), NOT_COMMAND)
    router.message.register(full_name, StateFilter(ProfileForm.full_name), TYPED, NOT_COMMAND)
    router.message.register(organisation, StateFilter(ProfileForm.organisation), TYPED, NOT_COMMAND)
    router.message.register(phone_text, StateFilter(ProfileForm.phone), TYPED, NOT_COMMAND)
    router.message.register(phone_contact, StateFilter(ProfileForm.phone), HAS_CONTACT)
    router.message.register(
        not_text,
        StateFilter(ProfileForm.full_name, ProfileForm.organisation, ProfileForm.phone),
        NOT_TYPED,
    )
    return router
