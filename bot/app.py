"""The app factory: builds bot, dispatcher, database, scheduler and services from settings.

Tests build the same app with test settings; `run` is what `python -m bot` does.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, utc_now
from bot.commands import register_commands
from bot.fsm_storage import SQLiteStorage
from bot.handled_updates import HandledUpdatesMiddleware
from bot.i18n import Translator
from bot.middlewares import (
    AnonymousAdminMiddleware,
    CallbackAnswers,
    HandlerTraceMiddleware,
    RenderContextMiddleware,
    UpdateLogMiddleware,
    UserContextMiddleware,
)
from bot.polling import Poller
from bot.response_models import keep_response_models_alive
from bot.retry_after import RetryAfterMiddleware
from bot.services.attendance_summary import AttendanceSummaries
from bot.services.batches import BatchWatcher
from bot.services.broadcasts import BroadcastDelivery, BroadcastService
from bot.services.certificates import CERTIFICATE_KIND, CertificateDelivery, CertificateService
from bot.services.checkin import CheckinService
from bot.services.faq import FaqService
from bot.services.faq_desk import FaqDesk
from bot.services.faq_learning import FaqLearning
from bot.services.feedback import FeedbackService, SurveyDelivery
from bot.services.jobs import schedule_sweep
from bot.services.materials import MATERIALS_KIND, MaterialDelivery, MaterialService
from bot.services.notifications import NoticeDelivery
from bot.services.outbox import Outbox
from bot.services.pacing import SendPacer
from bot.services.privacy import PrivacyService
from bot.services.programmes import ProgrammeService
from bot.services.questions import QuestionService
from bot.services.recipients import Recipients
from bot.services.registration import Promotion, RegistrationService
from bot.services.reminders import ReminderDelivery, ReminderService
from bot.services.report import ReportService, report_heading
from bot.services.seminar_admin import SeminarAdmin
from bot.services.sender import Sender
from bot.services.staff import StaffAuthority
from bot.services.users import UserDirectory
from bot.settings import Settings, SettingsError
from bot.throttling import FloodGate, ThrottlingMiddleware
from bot.webhook import serve_webhook
from handlers import get_routers
from handlers.batch_report import BatchBoard
from handlers.broadcast import BroadcastBoard
from handlers.feedback import rating_keyboard
from handlers.privacy import ConfirmationLeftMiddleware
from handlers.questions import staff_keyboard
from handlers.reminders import reminder_keyboard
from handlers.seminar_views import notice_keyboard
from storage.database import Database
from storage.dialogs import DialogStore
from storage.repositories.feedback import REMINDER_KIND, SURVEY_KIND

log = logging.getLogger(__name__)

# More than this many updates from one user within the window are dropped (admins exempt).
FLOOD_LIMIT = 60
FLOOD_WINDOW_SECONDS = 10.0
# Misses older than 90 days are deleted by a job that runs at start-up and this often.
MISS_PURGE_HOURS = 6


@dataclass
class App:
    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    db: Database
    scheduler: AsyncIOScheduler
    translator: Translator
    sender: Sender
    users: UserDirectory
    registration: RegistrationService
    reminders: ReminderService
    broadcasts: BroadcastService
    outbox: Outbox
    seminar_admin: SeminarAdmin
    privacy: PrivacyService
    faq: FaqService
    faq_learning: FaqLearning
    faq_desk: FaqDesk
    questions: QuestionService
    checkin: CheckinService
    summaries: AttendanceSummaries
    feedback: FeedbackService
    certificates: CertificateService
    programmes: ProgrammeService
    materials: MaterialService
    report: ReportService
    clock: Clock = field(default=utc_now)

    def handler_data(self) -> dict[str, Any]:
        """What handlers may ask for by name, besides what the middlewares add per update."""
        return {
            "settings": self.settings,
            "clock": self.clock,
            "translator": self.translator,
            "users": self.users,
            "registration": self.registration,
            "reminders": self.reminders,
            "broadcasts": self.broadcasts,
            "seminar_admin": self.seminar_admin,
            "privacy": self.privacy,
            "faq": self.faq,
            "faq_learning": self.faq_learning,
            "faq_desk": self.faq_desk,
            "questions": self.questions,
            "checkin": self.checkin,
            "feedback": self.feedback,
            "certificates": self.certificates,
            "programmes": self.programmes,
            "materials": self.materials,
            "report": self.report,
        }


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.telegram_api_url:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url)
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_app(
    settings: Settings, clock: Clock = utc_now, session: BaseSession | None = None
) -> App:
    keep_response_models_alive()
    db = Database(settings.database_path)
    bot = build_bot(settings, session)
    translator = Translator.load()
    scheduler = AsyncIOScheduler(timezone="UTC")
    pacer = SendPacer(settings.broadcast_rate)
    bot.session.middleware(RetryAfterMiddleware(pacer))

    users = UserDirectory(db, clock)
    recipients = Recipients(db, translator, settings)
    sender = Sender(bot, pacer, on_unreachable=users.mark_inactive)
    outbox = Outbox(db, pacer, on_unreachable=users.mark_inactive, clock=clock)
    registration = RegistrationService(db, clock)
    reminders = ReminderService(
        db, scheduler, sender, outbox, recipients, settings, registration, clock
    )
    broadcast_delivery = BroadcastDelivery(db, bot)
    broadcasts = BroadcastService(
        db, outbox, broadcast_delivery, BroadcastBoard(bot, sender, recipients), clock
    )
    outbox.register(broadcast_delivery)
    outbox.register(ReminderDelivery(db, bot, translator, settings, reminder_keyboard, clock))
    outbox.register(NoticeDelivery(db, bot, translator, settings.timezone, notice_keyboard))
    for survey_kind in (SURVEY_KIND, REMINDER_KIND):
        outbox.register(SurveyDelivery(survey_kind, db, bot, translator, rating_keyboard))
    board = BatchBoard(sender, recipients)
    certificate_batches = BatchWatcher(db, outbox, CERTIFICATE_KIND, clock)
    certificate_batches.on_report(board.report)
    certificates = CertificateService(
        db, bot, outbox, certificate_batches, translator, settings, clock
    )
    outbox.register(CertificateDelivery(db, bot, certificates, translator))
    material_batches = BatchWatcher(db, outbox, MATERIALS_KIND, clock)
    material_batches.on_report(board.report)
    outbox.register(MaterialDelivery(db, bot, material_batches))

    async def promoted(_: Sequence[Promotion]) -> None:
        outbox.wake()  # their notices were queued with the promotion

    registration.on_promotion(promoted)
    dialogs = DialogStore(db)
    faq = FaqService(db, clock)
    questions = QuestionService(
        db,
        bot,
        sender,
        translator,
        settings,
        faq,
        recipients,
        StaffAuthority(bot, settings),
        staff_keyboard,
        clock,
    )
    faq_learning = FaqLearning(db, faq, clock)
    app = App(
        settings=settings,
        bot=bot,
        # One update at a time per chat and user, in arrival order: a user who sends two
        # answers quickly must not have both read against the same dialog step.
        dispatcher=Dispatcher(
            storage=SQLiteStorage(dialogs), events_isolation=SimpleEventIsolation()
        ),
        db=db,
        scheduler=scheduler,
        translator=translator,
        sender=sender,
        users=users,
        registration=registration,
        reminders=reminders,
        broadcasts=broadcasts,
        outbox=outbox,
        seminar_admin=SeminarAdmin(db, registration, reminders, outbox, clock),
        privacy=PrivacyService(db, registration, users, dialogs, questions, clock),
        faq=faq,
        faq_learning=faq_learning,
        faq_desk=FaqDesk(faq, faq_learning),
        questions=questions,
        checkin=CheckinService(db, sender, recipients, clock),
        summaries=AttendanceSummaries(db, scheduler, sender, recipients, settings, clock),
        feedback=FeedbackService(db, scheduler, outbox, settings, clock),
        certificates=certificates,
        programmes=ProgrammeService(db, clock),
        materials=MaterialService(db, sender, outbox, material_batches, clock),
        report=ReportService(db, translator, settings.timezone, clock, report_heading(settings)),
        clock=clock,
    )
    dispatcher = app.dispatcher
    dispatcher.workflow_data.update(app.handler_data())
    dispatcher.update.outer_middleware(HandledUpdatesMiddleware(db, clock))
    dispatcher.update.outer_middleware(UpdateLogMiddleware())
    dispatcher.update.outer_middleware(UserContextMiddleware(db, users, translator, settings))
    dispatcher.update.outer_middleware(AnonymousAdminMiddleware(bot.id))
    dispatcher.update.outer_middleware(
        RenderContextMiddleware(settings.timezone, clock, settings.free_of_charge)
    )
    dispatcher.update.outer_middleware(
        ThrottlingMiddleware(FloodGate(FLOOD_LIMIT, FLOOD_WINDOW_SECONDS))
    )
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.outer_middleware(ConfirmationLeftMiddleware())
        observer.middleware(HandlerTraceMiddleware())
    dispatcher.callback_query.middleware(CallbackAnswers())
    dispatcher.include_routers(*get_routers())

    # Coroutine functions, not lambdas: aiogram awaits a hook only when it is one.
    async def startup() -> None:
        await on_startup(app)

    async def shutdown() -> None:
        await on_shutdown(app)

    dispatcher.startup.register(startup)
    dispatcher.shutdown.register(shutdown)
    return app


async def on_startup(app: App) -> None:
    await register_commands(
        app.bot, app.translator, app.settings.admin_ids, app.settings.checkin_ids
    )
    app.scheduler.start()
    await app.reminders.restore()
    app.reminders.schedule_sweep()
    app.summaries.schedule_sweep()
    app.feedback.schedule_sweep()
    schedule_sweep(
        app.scheduler,
        app.faq_learning.purge_old_misses,
        "faq-misses-purge",
        timedelta(hours=MISS_PURGE_HOURS),
        app.clock(),
    )
    await app.outbox.start()
    await app.broadcasts.resume()
    # Batches cut by a restart are reported, their uncertain deliveries included.
    await app.certificates.batches.resume()
    await app.materials.batches.resume()
    log.info("bot started")


async def on_shutdown(app: App) -> None:
    """After the last update was handled: no new jobs, then the outbox's requests in flight."""
    if app.scheduler.running:
        app.scheduler.shutdown(wait=False)
    await app.broadcasts.shutdown()
    await app.certificates.batches.shutdown()
    await app.materials.batches.shutdown()
    await app.outbox.shutdown()
    log.info("bot stopped")


async def prepare(app: App) -> None:
    """Before any update: the token checked, the database migrated, the FAQ file imported.

    Raises `SettingsError` for a database file that cannot be opened and `FaqFileError` for
    an invalid FAQ file; a refused token or an unreachable server raises aiogram's error.
    The caller stops start-up.
    """
    # The token first: a refused token then costs one line on stderr and nothing else.
    await app.bot.me()
    try:
        await app.db.connect()
    except (OSError, sqlite3.Error) as exc:
        raise SettingsError(
            f"Invalid setting: DATABASE_PATH {app.settings.database_path} cannot be used: {exc}"
        ) from None
    await app.faq.import_file(app.settings.faq_path)


async def run_polling(app: App) -> None:
    """Prepare, poll until SIGTERM/SIGINT, then close everything."""
    try:
        await prepare(app)
        await app.bot.delete_webhook(drop_pending_updates=False)
        poller = Poller(app.bot, app.dispatcher, app.dispatcher.resolve_used_update_types())
        poller.handle_signals()
        await app.dispatcher.emit_startup(bot=app.bot, **app.dispatcher.workflow_data)
        try:
            await poller.run()
        finally:
            await app.dispatcher.emit_shutdown(bot=app.bot, **app.dispatcher.workflow_data)
    finally:
        await app.bot.session.close()
        await app.db.close()


async def run_webhook(app: App) -> None:
    """Prepare, serve the webhook until SIGTERM/SIGINT, then close everything."""
    try:
        await prepare(app)
        await serve_webhook(app)
    finally:
        await app.bot.session.close()
        await app.db.close()
