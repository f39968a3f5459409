"""The repository facade: one property per aggregate, over the database or a transaction."""

from __future__ import annotations

from storage.database import Executor
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.batches import BatchRepository
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.certificates import CertificateRepository
from storage.repositories.exports import ExportRepository
from storage.repositories.faq import FaqRepository
from storage.repositories.faq_answers import FaqAnswerRepository
from storage.repositories.faq_learning import FaqLearningRepository
from storage.repositories.feedback import FeedbackRepository
from storage.repositories.materials import MaterialRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.profiles import ProfileRepository
from storage.repositories.programmes import ProgrammeRepository
from storage.repositories.questions import QuestionRepository
from storage.repositories.registrations import RegistrationRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.seminars import SeminarRepository
from storage.repositories.stats import StatsRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.users import UserRepository


class Repositories:
    def __init__(self, db: Executor) -> None:
        self.users = UserRepository(db)
        self.profiles = ProfileRepository(db)
        self.seminars = SeminarRepository(db)
        self.registrations = RegistrationRepository(db)
        self.reminders = ReminderRepository(db)
        self.broadcasts = BroadcastRepository(db)
        self.exports = ExportRepository(db)
        self.stats = StatsRepository(db)
        self.faq = FaqRepository(db)
        self.faq_learning = FaqLearningRepository(db)
        self.faq_answers = FaqAnswerRepository(db)
        self.questions = QuestionRepository(db)
        self.tickets = TicketRepository(db)
        self.attendance = AttendanceRepository(db)
        self.outbox = OutboxRepository(db)
        self.feedback = FeedbackRepository(db)
        self.certificates = CertificateRepository(db)
        self.programmes = ProgrammeRepository(db)
        self.materials = MaterialRepository(db)
        self.batches = BatchRepository(db)
