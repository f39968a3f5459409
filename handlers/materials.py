"""/materials (admins): seminar → messages → Done → audience → preview → send; and
`Материалы` / `Materials` in /my for a past seminar's participants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import format_datetime, shorten, zone_phrase
from bot.i18n import Tr
from bot.services.materials import MAX_MESSAGES, SUPPORTED_KINDS
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import NOT_COMMAND, PRIVATE_CHAT, IsAdmin, RowId
from storage.models import User
from storage.repositories.materials import MaterialAudience, MaterialMessage

if TYPE_CHECKING:
    from bot.services.materials import MaterialService

SEMINAR_BUTTONS = 20
TITLE_LIMIT = 80


class MatCb(CallbackData, prefix="adm_mat"):
    action: str  # seminar | done | audience | send | drop
    seminar_id: RowId = 0
    audience: MaterialAudience | None = None


class MyMaterialsCb(CallbackData, prefix="mat_my"):
    seminar_id: RowId


class MaterialStates(StatesGroup):
    collect = State()


def my_materials_button(tr: Tr, seminar_id: int) -> tuple[str, MyMaterialsCb]:
    """The /my button of a past seminar that has materials."""
    return tr("materials.my_button"), MyMaterialsCb(seminar_id=seminar_id)


def _one_button(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


async def materials_command(
    message: Message, materials: MaterialService, state: FSMContext, settings: Settings, tr: Tr
) -> None:
    await state.clear()
    seminars = await materials.ended_seminars(SEMINAR_BUTTONS)
    if not seminars:
        await message.answer(tr("materials.none"))
        return
    builder = InlineKeyboardBuilder()
    for seminar in seminars:
        when = format_datetime(seminar.starts_at, settings.timezone, tr)
        builder.button(
            text=f"{when} · {seminar.title}",
            callback_data=MatCb(action="seminar", seminar_id=seminar.id),
        )
    builder.adjust(1)
    await message.answer(
        tr("materials.choose", zone=zone_phrase(settings.timezone, tr)),
        reply_markup=builder.as_markup(),
    )


async def collect(message: Message, state: FSMContext, tr: Tr) -> None:
    kind = message.content_type
    if kind not in SUPPORTED_KINDS:
        await message.answer(tr("materials.unsupported"))
        return
    data = await state.get_data()
    collected = list(data.get("messages", []))
    if len(collected) >= MAX_MESSAGES:
        await message.answer(tr("materials.too_many", limit=MAX_MESSAGES))
        return
    collected.append(message.message_id)
    await state.update_data(messages=collected)
    seminar_id = int(data.get("seminar_id", 0))
    await message.answer(
        tr("materials.added", count=len(collected)),
        reply_markup=_one_button(tr("materials.done"), MatCb(action="done", seminar_id=seminar_id)),
    )


async def on_button(
    query: CallbackQuery,
    callback_data: MatCb,
    materials: MaterialService,
    state: FSMContext,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    action, seminar_id = callback_data.action, callback_data.seminar_id
    data = await state.get_data()
    if action == "seminar":
        await state.set_state(MaterialStates.collect)
        await state.set_data({"seminar_id": seminar_id, "messages": []})
        await message.answer(tr("materials.send_now"))
        return
    collected = [int(m) for m in data.get("messages", [])]
    if await state.get_state() is None or data.get("seminar_id") != seminar_id:
        alert(callback_answer, tr("materials.stale"))
        return
    if action == "done":
        if not collected:
            alert(callback_answer, tr("materials.empty"))
            return
        builder = InlineKeyboardBuilder()
        for audience in MaterialAudience:
            builder.button(
                text=tr(f"materials.audience.{audience.value}"),
                callback_data=MatCb(action="audience", seminar_id=seminar_id, audience=audience),
            )
        await message.answer(tr("materials.who"), reply_markup=builder.as_markup())
    elif action == "audience" and callback_data.audience is not None:
        preview = await materials.preview(seminar_id, callback_data.audience)
        if preview is None:
            alert(callback_answer, tr("materials.stale"))
            return
        await state.update_data(audience=callback_data.audience.value)
        builder = InlineKeyboardBuilder()
        builder.button(
            text=tr("materials.send_button"),
            callback_data=MatCb(action="send", seminar_id=seminar_id),
        )
        builder.button(
            text=tr("materials.drop_button"),
            callback_data=MatCb(action="drop", seminar_id=seminar_id),
        )
        await message.answer(
            tr(
                "materials.preview",
                title=shorten(preview.seminar.title, TITLE_LIMIT),
                messages=tr("materials.messages", count=len(collected)),
                audience=tr(f"materials.audience.{preview.audience.value}"),
                recipients=tr("materials.recipients", count=preview.recipients),
            ),
            reply_markup=builder.as_markup(),
        )
    elif action == "send" and "audience" in data:
        await state.clear()
        chat_id = message.chat.id
        queued = await materials.send(
            seminar_id,
            MaterialAudience(str(data["audience"])),
            [MaterialMessage(chat_id, message_id) for message_id in collected],
            query.from_user.id,
        )
        if queued is None:
            await message.answer(tr("materials.stale"))
            return
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(tr("materials.sending", count=queued))
    elif action == "drop":
        await state.clear()
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(tr("materials.dropped"))
    else:
        alert(callback_answer, tr("materials.stale"))


async def my_materials(
    query: CallbackQuery,
    callback_data: MyMaterialsCb,
    user: User,
    materials: MaterialService,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    if await materials.again(user.id, callback_data.seminar_id) is None:
        alert(callback_answer, tr("materials.not_yours"))


def create_router() -> Router:
    router = Router(name="materials")
    router.message.register(materials_command, Command("materials"), IsAdmin())
    router.message.register(
        collect, StateFilter(MaterialStates.collect), PRIVATE_CHAT, IsAdmin(), NOT_COMMAND
    )
    router.callback_query.register(on_button, MatCb.filter(), IsAdmin())
    router.callback_query.register(my_materials, MyMaterialsCb.filter())
    return router
