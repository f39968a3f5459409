"""/certificates for admins, `Мои сертификаты` in /my, and `/start v_<number>` for anyone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.formatting import format_datetime, shorten, zone_phrase
from bot.i18n import Html, Tr
from bot.services.certificates import VERIFY_PREFIX, SubjectKind, date_span
from bot.settings import Settings
from handlers.alerts import alert
from handlers.filters import IsAdmin, RowId
from storage.models import User

if TYPE_CHECKING:
    from bot.services.certificates import CertificateService, Preview

SEMINAR_BUTTONS = 20
NAMES_SHOWN = 30
TITLE_LIMIT = 80


class CertSubjectCb(CallbackData, prefix="adm_crs"):
    kind: SubjectKind
    id: RowId


class CertIssueCb(CallbackData, prefix="adm_cri"):
    kind: SubjectKind
    id: RowId


class CertPickerCb(CallbackData, prefix="adm_crp"):
    pass


class MyCertificatesCb(CallbackData, prefix="crt_my"):
    pass


def my_certificates_button(tr: Tr) -> tuple[str, MyCertificatesCb]:
    """The `/my` button; shown only to holders."""
    return tr("certificates.my_button"), MyCertificatesCb()


async def certificates_command(
    message: Message, certificates: CertificateService, settings: Settings, tr: Tr
) -> None:
    await send_picker(message, certificates, settings, tr)


async def picker_again(
    query: CallbackQuery, certificates: CertificateService, settings: Settings, tr: Tr
) -> None:
    """«Другой семинар» under a preview: the choice of seminar or programme again."""
    if isinstance(query.message, Message):
        await send_picker(query.message, certificates, settings, tr)


async def send_picker(
    message: Message, certificates: CertificateService, settings: Settings, tr: Tr
) -> None:
    seminars = await certificates.ended_seminars(SEMINAR_BUTTONS)
    programmes = await certificates.programmes()
    if not seminars and not programmes:
        await message.answer(tr("certificates.admin.none"))
        return
    builder = InlineKeyboardBuilder()
    for programme in programmes:
        builder.button(
            text=tr("certificates.admin.programme_button", title=Html(programme.title)),
            callback_data=CertSubjectCb(kind=SubjectKind.PROGRAMME, id=programme.id),
        )
    for seminar in seminars:
        when = format_datetime(seminar.starts_at, settings.timezone, tr)
        builder.button(
            text=f"{when} · {seminar.title}",
            callback_data=CertSubjectCb(kind=SubjectKind.SEMINAR, id=seminar.id),
        )
    builder.adjust(1)
    await message.answer(
        tr("certificates.admin.choose", zone=zone_phrase(settings.timezone, tr)),
        reply_markup=builder.as_markup(),
    )


def render_preview(preview: Preview, tr: Tr, settings: Settings) -> str:
    lines = [
        tr(
            "certificates.admin.preview",
            title=shorten(preview.title, TITLE_LIMIT),
            date=date_span(preview.starts_at, preview.ends_at, settings.timezone, tr),
            issued=preview.issued,
            count=len(preview.qualifiers),
        )
    ]
    if not preview.qualifiers:
        lines.append(tr("certificates.admin.nobody"))
    shown = preview.qualifiers[:NAMES_SHOWN]
    lines += [tr("certificates.admin.name", name=q.full_name) for q in shown]
    hidden = len(preview.qualifiers) - NAMES_SHOWN
    if hidden > 0:
        lines.append(tr("certificates.admin.more", count=hidden))
    return "\n".join(lines)


async def show_preview(
    query: CallbackQuery,
    callback_data: CertSubjectCb,
    certificates: CertificateService,
    settings: Settings,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    preview = await certificates.preview(callback_data.kind, callback_data.id)
    if preview is None:
        alert(callback_answer, tr("certificates.admin.not_found"))
        return
    builder = InlineKeyboardBuilder()
    if preview.qualifiers:
        builder.button(
            text=tr("certificates.admin.issue"),
            callback_data=CertIssueCb(kind=preview.kind, id=preview.id),
        )
    builder.button(text=tr("certificates.admin.other"), callback_data=CertPickerCb())
    builder.adjust(1)
    if isinstance(query.message, Message):
        await query.message.answer(
            render_preview(preview, tr, settings), reply_markup=builder.as_markup()
        )


async def issue(
    query: CallbackQuery,
    callback_data: CertIssueCb,
    user: User,
    certificates: CertificateService,
    tr: Tr,
    callback_answer: CallbackAnswer,
) -> None:
    issued = await certificates.issue(callback_data.kind, callback_data.id, user.id)
    if not issued:  # a second press: the first one issued them all
        alert(callback_answer, tr("certificates.admin.nobody"))
        return
    if isinstance(query.message, Message):
        # The preview becomes the progress line; the batch's report follows when all are out.
        await query.message.edit_text(
            tr("certificates.admin.issued", count=issued), reply_markup=None
        )


async def my_certificates(
    query: CallbackQuery, user: User, certificates: CertificateService, tr: Tr
) -> None:
    held = await certificates.mine(user.id)
    if not isinstance(query.message, Message):
        return
    if not held:
        await query.message.answer(tr("certificates.my_none"))
        return
    for certificate in held:
        await query.message.answer_document(
            await certificates.document(certificate, tr),
            caption=tr("certificates.caption", title=certificate.title),
        )


async def verify(
    message: Message,
    command: CommandObject,
    certificates: CertificateService,
    settings: Settings,
    tr: Tr,
) -> None:
    result = await certificates.verify(command.args or "")
    certificate = result.certificate
    if certificate is None:
        await message.answer(tr("certificates.verify.not_found"))
        return
    params = {
        "number": certificate.number,
        "title": certificate.title,
        "date": certificates.dates(certificate, tr),
    }
    if result.holder is None:
        await message.answer(tr("certificates.verify.genuine_anonymous", **params))
        return
    await message.answer(tr("certificates.verify.genuine", holder=result.holder, **params))


def create_router() -> Router:
    router = Router(name="certificates")
    router.message.register(
        verify, CommandStart(deep_link=True, magic=F.args.startswith(VERIFY_PREFIX))
    )
    router.message.register(certificates_command, Command("certificates"), IsAdmin())
    router.callback_query.register(show_preview, CertSubjectCb.filter(), IsAdmin())
    router.callback_query.register(issue, CertIssueCb.filter(), IsAdmin())
    router.callback_query.register(picker_again, CertPickerCb.filter(), IsAdmin())
    router.callback_query.register(my_certificates, MyCertificatesCb.filter())
    return router
