"""/my: the user's upcoming registrations and waitlist places, past ones in brief, the profile."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.formatting import format_datetime, zone_phrase
from bot.i18n import Html, Tr, join
from bot.settings import Settings
from handlers.certificates import my_certificates_button
from handlers.materials import my_materials_button
from handlers.menu import MenuCb
from handlers.profile import ProfileCb
from handlers.seminar_views import SeminarCb, SeminarPageCb
from handlers.tickets import TicketCb
from storage.models import RegistrationStatus, Seminar, User
from storage.repositories import Repositories

PAST_SHOWN = 3


async def render_my(
    repos: Repositories, user: User, tr: Tr, tz: tzinfo, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    upcoming: list[tuple[Seminar, str]] = []
    ticketed: list[Seminar] = []  # a seat at a seminar with a door: `My ticket`
    past: list[Seminar] = []
    for registration in await repos.registrations.live_for_user(user.id):
        seminar = await repos.seminars.get(registration.seminar_id)
        if seminar is None or seminar.is_cancelled:
            continue
        when = format_datetime(seminar.starts_at, tz, tr)
        if seminar.starts_at <= now:
            if registration.status is RegistrationStatus.CONFIRMED:
                past.append(seminar)
        elif registration.status is RegistrationStatus.WAITLIST:
            position = await repos.registrations.waitlist_position(registration)
            upcoming.append(
                (
                    seminar,
                    tr("seminars.my.waitlist", when=when, title=seminar.title, position=position),
                )
            )
        else:
            upcoming.append((seminar, tr("seminars.my.confirmed", when=when, title=seminar.title)))
            if seminar.format.has_door:
                ticketed.append(seminar)
    upcoming.sort(key=lambda item: (item[0].starts_at, item[0].id))
    ticketed.sort(key=lambda seminar: (seminar.starts_at, seminar.id))
    past.sort(key=lambda seminar: seminar.starts_at, reverse=True)

    parts: list[str] = [tr("seminars.my.title")]
    if upcoming:
        lines = [line for _, line in upcoming]
        parts.append("\n".join([*lines, tr("seminars.list.zone", zone=zone_phrase(tz, tr, now))]))
    else:
        parts.append(tr("seminars.my.empty"))
    if past:
        titles = join(
            "; ", (tr("seminars.my.past_title", title=s.title) for s in past[:PAST_SHOWN])
        )
        parts.append(tr("seminars.my.past", count=len(past), titles=titles))
    profile = await repos.profiles.get(user.id)
    if profile is None:
        parts.append(tr("seminars.my.no_profile"))
    else:
        parts.append(
            tr(
                "seminars.my.profile",
                name=profile.full_name,
                organisation=profile.organisation,
                phone=profile.phone,
            )
        )

    builder = InlineKeyboardBuilder()
    for seminar, _ in upcoming:
        builder.button(text=seminar.title, callback_data=SeminarCb(action="card", id=seminar.id))
    for seminar in ticketed:
        # Button text is shown as is, never parsed: the title goes in unescaped.
        builder.button(
            text=tr("tickets.button", title=Html(seminar.title)),
            callback_data=TicketCb(seminar_id=seminar.id),
        )
    with_materials = await repos.materials.seminars_received(
        user.id, [s.id for s in past[:PAST_SHOWN]]
    )
    for seminar in past[:PAST_SHOWN]:
        if seminar.id in with_materials:
            label, data = my_materials_button(tr, seminar.id)
            builder.button(text=f"{label}: {seminar.title}", callback_data=data)
    if await repos.certificates.for_user(user.id):
        text, callback_data = my_certificates_button(tr)
        builder.button(text=text, callback_data=callback_data)
    if profile is not None:
        builder.button(text=tr("seminars.my.edit_profile"), callback_data=ProfileCb(action="edit"))
    builder.button(text=tr("seminars.my.all_seminars"), callback_data=SeminarPageCb(page=0))
    builder.adjust(1)
    return "\n\n".join(parts), builder.as_markup()


async def my_command(
    message: Message, user: User, repos: Repositories, tr: Tr, settings: Settings, clock: Clock
) -> None:
    text, markup = await render_my(repos, user, tr, settings.timezone, clock())
    await message.answer(text, reply_markup=markup)


async def my_from_button(
    query: CallbackQuery,
    bot: Bot,
    user: User,
    repos: Repositories,
    tr: Tr,
    settings: Settings,
    clock: Clock,
) -> None:
    text, markup = await render_my(repos, user, tr, settings.timezone, clock())
    chat_id = query.message.chat.id if query.message is not None else user.id
    await bot.send_message(chat_id, text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="my")
    router.message.register(my_command, Command("my"))
    router.callback_query.register(my_from_button, MenuCb.filter(F.action == "my"))
    return router
