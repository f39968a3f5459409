"""The admin's report of a batch (materials sent, certificates issued), like a broadcast's.

Delivered, blocked, failed and uncertain people; when some are uncertain (the bot stopped
while their delivery was in flight) the report carries a button to send to them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Tr
from bot.services.certificates import CERTIFICATE_KIND
from bot.services.materials import MATERIALS_KIND
from bot.services.recipients import Recipients
from bot.services.sender import Sender
from handlers.filters import IsAdmin, RowId
from storage.repositories.batches import BatchTally, DeliveryBatch

if TYPE_CHECKING:
    from bot.services.certificates import CertificateService
    from bot.services.materials import MaterialService


class BatchResendCb(CallbackData, prefix="adm_bres"):
    kind: str
    id: RowId


def report_text(tr: Tr, batch: DeliveryBatch, tally: BatchTally) -> str:
    text = (
        tr(f"batches.{batch.kind}", title=batch.title)
        + "\n"
        + tr(
            "batches.body",
            sent=tally.sent,
            blocked=tally.blocked,
            failed=tally.failed,
            uncertain=tally.uncertain,
        )
    )
    if tally.uncertain:  # sending again is the admin's choice, knowing the risk
        text += "\n\n" + tr(f"batches.twice_{batch.kind}")
    return text


class BatchBoard:
    """Sends a batch's report to the admin who started it, in the admin's language."""

    def __init__(self, sender: Sender, recipients: Recipients) -> None:
        self._sender = sender
        self._recipients = recipients

    async def report(self, batch: DeliveryBatch, tally: BatchTally) -> None:
        tr = await self._recipients.user(batch.admin_id)
        markup = None
        if tally.uncertain:
            builder = InlineKeyboardBuilder()
            builder.button(
                text=tr("batches.resend", count=tally.uncertain),
                callback_data=BatchResendCb(kind=batch.kind, id=batch.id),
            )
            markup = builder.as_markup()
        await self._sender.send_message(
            batch.admin_id, report_text(tr, batch, tally), reply_markup=markup
        )


async def resend_uncertain(
    query: CallbackQuery,
    callback_data: BatchResendCb,
    certificates: CertificateService,
    materials: MaterialService,
    tr: Tr,
) -> None:
    watchers = {CERTIFICATE_KIND: certificates.batches, MATERIALS_KIND: materials.batches}
    watcher = watchers.get(callback_data.kind)
    count = await watcher.resend_uncertain(callback_data.id) if watcher is not None else 0
    if not isinstance(query.message, Message):
        return
    if query.message.reply_markup is not None:
        await query.message.edit_reply_markup(reply_markup=None)
    if count:
        await query.message.answer(tr("batches.resending", count=count))
    else:
        await query.message.answer(tr("batches.nothing_to_resend"))


def create_router() -> Router:
    router = Router(name="batch_report")
    router.callback_query.register(resend_uncertain, BatchResendCb.filter(), IsAdmin())
    return router
