"""Organisers' dialogs: /new_seminar, /edit_seminar and /cancel_seminar.

Every handler here is registered with `IsAdmin()`, so the role is checked when the
update arrives, not when the dialog began; a non-admin left in one of these states
is refused and the dialog is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.background import BackgroundTasks
from bot.clock import Clock
from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr, Translator
from bot.services.calendar import seminar_link
from bot.services.registration import RegistrationService
from bot.services.seminar_admin import (
    ANNOUNCED_FIELDS,
    DEFAULT_DURATION_MINUTES,
    CancelSeminarOutcome,
    ChangeNotice,
    ChangeOutcome,
    Invalid,
    SeminarDraft,
    SeminarField,
    SeminarReminders,
    announce_cancellation,
    announce_change,
    cancel_seminar,
    change_seminar,
    create_seminar,
    parse_field,
)
from bot.services.sender import Sender
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import HAS_TEXT, NO_TEXT, NOT_COMMAND, IsAdmin, RowId
from handlers.seminar_views import notice_keyboard, render_seminar_card
from storage.database import Database
from storage.models import Seminar, SeminarStatus, User
from storage.repositories import Repositories

PICK_LIMIT = 20  # keeps the numbered list under Telegram's 4096 characters


class NewSeminar(StatesGroup):
    title = State()
    description = State()
    starts_at = State()
    place = State()
    capacity = State()
    preview = State()


class EditSeminar(StatesGroup):
    value = State()


class AdmNewCb(CallbackData, prefix="adm_new"):
    action: str  # publish | discard


class AdmEditCb(CallbackData, prefix="adm_edit"):
    seminar_id: RowId
    field: SeminarField | None = None  # None: the admin is about to choose a field


class AdmCancelCb(CallbackData, prefix="adm_cancel"):
    seminar_id: RowId
    action: str  # ask | yes | no


def _error(tr: Tr, invalid: Invalid) -> str:
    return tr(f"admin_seminars.errors.{invalid.reason}", **invalid.params)


def _understood(tr: Tr, moment: datetime, settings: Settings) -> str:
    """How a typed date was read, with the year and the zone, so a slip shows at once."""
    return tr(
        "admin_seminars.understood",
        when=format_datetime(moment, settings.timezone, tr),
        zone=zone_phrase(settings.timezone, tr, moment),
    )


def _input_time(moment: datetime, tz: tzinfo) -> str:
    """A time as the admin types it, so it can be copied and corrected."""
    return f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"


# --- /new_seminar -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Step:
    """One question of /new_seminar: which field the answer fills and what to ask next."""

    field: SeminarField
    next_state: State
    next_prompt: str | None  # None: the preview comes next


_STEPS: dict[str | None, _Step] = {
    NewSeminar.title.state: _Step(
        SeminarField.TITLE, NewSeminar.description, "admin_seminars.new.ask_description"
    ),
    NewSeminar.description.state: _Step(
        SeminarField.DESCRIPTION, NewSeminar.starts_at, "admin_seminars.new.ask_start"
    ),
    NewSeminar.starts_at.state: _Step(
        SeminarField.STARTS_AT, NewSeminar.place, "admin_seminars.new.ask_place"
    ),
    NewSeminar.place.state: _Step(
        SeminarField.PLACE, NewSeminar.capacity, "admin_seminars.new.ask_capacity"
    ),
    NewSeminar.capacity.state: _Step(SeminarField.CAPACITY, NewSeminar.preview, None),
}


def _draft(data: dict[str, Any]) -> SeminarDraft:
    return SeminarDraft(
        title=data["title"],
        description=data["description"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        place=data["place"],
        capacity=int(data["capacity"]),
    )


def _preview_keyboard(tr: Tr) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=tr("admin_seminars.new.publish"), callback_data=AdmNewCb(action="publish"))
    builder.button(text=tr("admin_seminars.new.discard"), callback_data=AdmNewCb(action="discard"))
    return builder.as_markup()


async def new_seminar(message: Message, state: FSMContext, tr: Tr) -> None:
    await state.clear()
    await state.set_state(NewSeminar.title)
    await message.answer(tr("admin_seminars.new.ask_title"))


async def new_seminar_step(
    message: Message, state: FSMContext, tr: Tr, settings: Settings, clock: Clock
) -> None:
    current = await state.get_state()
    step = _STEPS[current]
    value = parse_field(step.field, message.text or "", settings.timezone, clock())
    if isinstance(value, Invalid):
        await message.answer(_error(tr, value))
        return
    stored = value.isoformat() if isinstance(value, datetime) else value
    data = await state.update_data({step.field.value: stored})
    await state.set_state(step.next_state)
    if step.next_prompt is None:
        draft = _draft(data)
        preview = Seminar(
            id=0,
            title=draft.title,
            description=draft.description,
            starts_at=draft.starts_at,
            duration_minutes=DEFAULT_DURATION_MINUTES,
            place=draft.place,
            capacity=draft.capacity,
            status=SeminarStatus.PUBLISHED,
            created_by=None,
            created_at=clock(),
        )
        # One message: whoever reads the reply to the last step finds the Publish button on it.
        card = render_seminar_card(
            preview,
            tr,
            settings.timezone,
            seats_left=draft.capacity,
            now=clock(),
            free=settings.free_of_charge,
        )
        understood = _understood(tr, draft.starts_at, settings)
        await message.answer(
            f"{tr('admin_seminars.new.preview')}\n{understood}\n\n{card}",
            reply_markup=_preview_keyboard(tr),
        )
        return
    prompt: str = tr(step.next_prompt, zone=zone_phrase(settings.timezone, tr))
    if isinstance(value, datetime):
        prompt = f"{_understood(tr, value, settings)}\n\n{prompt}"
    await message.answer(prompt)


async def preview_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("admin_seminars.new.use_buttons"))


async def publish(
    query: CallbackQuery,
    state: FSMContext,
    tr: Tr,
    user: User,
    db: Database,
    clock: Clock,
    bot: Bot,
    reminders: SeminarReminders,
) -> None:
    data = await state.get_data()
    await state.clear()
    result = await create_seminar(db, _draft(data), user.id, clock)
    if not isinstance(query.message, Message):
        return
    if isinstance(result, Invalid):
        await query.message.answer(_error(tr, result))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=seminar_{result.id}"
    await query.message.answer(tr("admin_seminars.new.published", link=link))
    await reminders.schedule_seminar(result)


async def discard(query: CallbackQuery, state: FSMContext, tr: Tr) -> None:
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.answer(tr("admin_seminars.new.discarded"))


# --- picking a seminar ---------------------------------------------------------------------


async def _pick_seminar(
    message: Message,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
    text_key: str,
    button_data: Callable[[Seminar], CallbackData],
) -> None:
    seminars = await repos.seminars.upcoming(clock(), limit=PICK_LIMIT)
    if not seminars:
        await message.answer(tr("admin_seminars.pick.none"))
        return
    lines = "\n".join(
        tr(
            "admin_seminars.pick.line",
            number=number,
            title=seminar.title,
            when=format_datetime(seminar.starts_at, settings.timezone, tr),
        )
        for number, seminar in enumerate(seminars, start=1)
    )
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        builder.button(text=seminar.title, callback_data=button_data(seminar))
    builder.adjust(1)
    await message.answer(tr(text_key, lines=Html(lines)), reply_markup=builder.as_markup())


async def _editable(repos: Repositories, seminar_id: int, clock: Clock) -> Seminar | None:
    seminar = await repos.seminars.get(seminar_id)
    if seminar is None or seminar.is_cancelled or seminar.starts_at <= clock():
        return None
    return seminar


# --- /edit_seminar -------------------------------------------------------------------------


async def edit_seminar(
    message: Message,
    state: FSMContext,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    await _pick_seminar(
        message,
        tr,
        repos,
        settings,
        clock,
        "admin_seminars.edit.choose_seminar",
        lambda seminar: AdmEditCb(seminar_id=seminar.id),
    )


async def edit_choose_field(
    query: CallbackQuery,
    callback_data: AdmEditCb,
    tr: Tr,
    repos: Repositories,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    seminar = await _editable(repos, callback_data.seminar_id, clock)
    if seminar is None:
        alert(callback_answer, tr("admin_seminars.pick.seminar_gone"))
        return
    builder = InlineKeyboardBuilder()
    for which in SeminarField:
        builder.button(
            text=tr(f"admin_seminars.edit.fields.{which.value}"),
            callback_data=AdmEditCb(seminar_id=seminar.id, field=which),
        )
    builder.adjust(2)
    if isinstance(query.message, Message):
        await query.message.answer(
            tr("admin_seminars.edit.choose_field", title=seminar.title),
            reply_markup=builder.as_markup(),
        )


async def edit_ask_value(
    query: CallbackQuery,
    callback_data: AdmEditCb,
    state: FSMContext,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    seminar = await _editable(repos, callback_data.seminar_id, clock)
    which = callback_data.field
    if seminar is None or which is None:
        alert(callback_answer, tr("admin_seminars.pick.seminar_gone"))
        return
    await state.set_state(EditSeminar.value)
    await state.set_data({"seminar_id": seminar.id, "field": which.value})
    current: object = getattr(seminar, which.value)
    if which is SeminarField.STARTS_AT:
        current = _input_time(seminar.starts_at, settings.timezone)
    elif which is SeminarField.DESCRIPTION and not seminar.description:
        current = tr("admin_seminars.edit.no_description")
    confirmed = 0
    if which is SeminarField.CAPACITY:
        confirmed = (await repos.registrations.counts(seminar.id)).confirmed
    if isinstance(query.message, Message):
        await query.message.answer(
            tr(
                f"admin_seminars.edit.ask.{which.value}",
                current=current,
                zone=zone_phrase(settings.timezone, tr),
                confirmed=confirmed,
            )
        )


async def edit_value(
    message: Message,
    bot: Bot,
    state: FSMContext,
    tr: Tr,
    db: Database,
    settings: Settings,
    clock: Clock,
    registration: RegistrationService,
    sender: Sender,
    translator: Translator,
    reminders: SeminarReminders,
    background: BackgroundTasks,
) -> None:
    data = await state.get_data()
    which = SeminarField(data["field"])
    value = parse_field(which, message.text or "", settings.timezone, clock())
    if isinstance(value, Invalid):
        await message.answer(_error(tr, value))
        return
    result = await change_seminar(db, registration, clock, int(data["seminar_id"]), which, value)
    if result.outcome is ChangeOutcome.CAPACITY_BELOW_CONFIRMED:
        await message.answer(
            tr("admin_seminars.errors.capacity_below_confirmed", count=result.confirmed)
        )
        return
    await state.clear()
    if result.outcome is ChangeOutcome.UNCHANGED:
        await message.answer(tr("admin_seminars.edit.unchanged"))
        return
    if result.outcome is not ChangeOutcome.CHANGED or result.after is None:
        await message.answer(tr("admin_seminars.pick.seminar_gone"))
        return
    lines: list[str] = [
        tr(
            "admin_seminars.edit.changed",
            field=tr(f"admin_seminars.edit.fields.{which.value}"),
            title=result.after.title,
        )
    ]
    if which is SeminarField.STARTS_AT:
        lines.append(_understood(tr, result.after.starts_at, settings))
    if result.promotions:
        lines.append(tr("admin_seminars.edit.promoted", count=len(result.promotions)))
    if which in ANNOUNCED_FIELDS and result.audience:
        lines.append(tr("admin_seminars.edit.notifying", count=len(result.audience)))
    await message.answer("\n\n".join(lines))
    if which is SeminarField.STARTS_AT:
        await reminders.schedule_seminar(result.after)
    if which in ANNOUNCED_FIELDS:
        background.spawn(
            announce_change(
                db,
                sender,
                translator,
                settings.timezone,
                result,
                ChangeNotice(
                    buttons=notice_keyboard,
                    link=seminar_link((await bot.me()).username or "", result.after),
                    now=clock(),
                ),
            ),
            f"seminar-{result.after.id}-change-notices",
        )


# --- /cancel_seminar -----------------------------------------------------------------------


async def cancel_seminar_command(
    message: Message,
    state: FSMContext,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    await _pick_seminar(
        message,
        tr,
        repos,
        settings,
        clock,
        "admin_seminars.cancel.choose_seminar",
        lambda seminar: AdmCancelCb(seminar_id=seminar.id, action="ask"),
    )


async def cancel_ask(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    tr: Tr,
    repos: Repositories,
    settings: Settings,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    seminar = await _editable(repos, callback_data.seminar_id, clock)
    if seminar is None:
        alert(callback_answer, tr("admin_seminars.pick.seminar_gone"))
        return
    counts = await repos.registrations.counts(seminar.id)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=tr("admin_seminars.cancel.confirm_button"),
        callback_data=AdmCancelCb(seminar_id=seminar.id, action="yes"),
    )
    builder.button(
        text=tr("admin_seminars.cancel.keep_button"),
        callback_data=AdmCancelCb(seminar_id=seminar.id, action="no"),
    )
    if isinstance(query.message, Message):
        await query.message.answer(
            tr(
                "admin_seminars.cancel.confirm",
                title=seminar.title,
                when=format_datetime(seminar.starts_at, settings.timezone, tr),
                count=counts.confirmed + counts.waitlist,
            ),
            reply_markup=builder.as_markup(),
        )


async def cancel_confirmed(
    query: CallbackQuery,
    callback_data: AdmCancelCb,
    tr: Tr,
    db: Database,
    settings: Settings,
    clock: Clock,
    sender: Sender,
    translator: Translator,
    reminders: SeminarReminders,
    background: BackgroundTasks,
    callback_answer: CallbackAnswer,
) -> None:
    result = await cancel_seminar(db, clock, callback_data.seminar_id)
    if result.outcome is not CancelSeminarOutcome.CANCELLED or result.seminar is None:
        key = {
            CancelSeminarOutcome.ALREADY_CANCELLED: "admin_seminars.cancel.already",
            CancelSeminarOutcome.STARTED: "admin_seminars.cancel.started",
        }.get(result.outcome, "admin_seminars.pick.seminar_gone")
        alert(callback_answer, tr(key))
        return
    await reminders.drop_seminar(result.seminar.id)
    if isinstance(query.message, Message):
        await query.message.answer(
            tr("admin_seminars.cancel.done", title=result.seminar.title, count=len(result.audience))
        )
    background.spawn(
        announce_cancellation(db, sender, translator, settings.timezone, result),
        f"seminar-{result.seminar.id}-cancel-notices",
    )


async def cancel_kept(query: CallbackQuery, tr: Tr) -> None:
    if isinstance(query.message, Message):
        await query.message.answer(tr("admin_seminars.cancel.kept"))


# --- role and input checks -----------------------------------------------------------------


async def refuse_in_dialog(message: Message, state: FSMContext, tr: Tr) -> None:
    """Someone who lost admin rights mid-dialog: close the dialog, change nothing."""
    await state.clear()
    await message.answer(tr("errors.admin_only"))


async def not_text(message: Message, tr: Tr) -> None:
    await message.answer(tr("admin_seminars.errors.not_text"))


def create_router() -> Router:
    router = Router(name="admin_seminars")
    dialog_states = StateFilter(NewSeminar, EditSeminar)
    router.message.register(refuse_in_dialog, dialog_states, ~IsAdmin(), NOT_COMMAND)

    router.message.register(new_seminar, Command("new_seminar"), IsAdmin())
    router.message.register(
        new_seminar_step,
        StateFilter(*(state for state in _STEPS if state is not None)),
        HAS_TEXT,
        NOT_COMMAND,
        IsAdmin(),
    )
    router.message.register(
        preview_text, StateFilter(NewSeminar.preview), HAS_TEXT, NOT_COMMAND, IsAdmin()
    )
    router.callback_query.register(
        publish, AdmNewCb.filter(F.action == "publish"), StateFilter(NewSeminar.preview), IsAdmin()
    )
    router.callback_query.register(
        discard, AdmNewCb.filter(F.action == "discard"), StateFilter(NewSeminar.preview), IsAdmin()
    )

    router.message.register(edit_seminar, Command("edit_seminar"), IsAdmin())
    router.callback_query.register(
        edit_choose_field, AdmEditCb.filter(F.field.is_(None)), IsAdmin()
    )
    router.callback_query.register(edit_ask_value, AdmEditCb.filter(), IsAdmin())
    router.message.register(
        edit_value, StateFilter(EditSeminar.value), HAS_TEXT, NOT_COMMAND, IsAdmin()
    )

    router.message.register(cancel_seminar_command, Command("cancel_seminar"), IsAdmin())
    router.callback_query.register(cancel_ask, AdmCancelCb.filter(F.action == "ask"), IsAdmin())
    router.callback_query.register(
        cancel_confirmed, AdmCancelCb.filter(F.action == "yes"), IsAdmin()
    )
    router.callback_query.register(cancel_kept, AdmCancelCb.filter(F.action == "no"), IsAdmin())

    router.message.register(not_text, dialog_states, NO_TEXT, IsAdmin())
    return router
