"""All models, imported here so that `Base.metadata` is complete for Alembic and tests."""

from core.models.announcement import Announcement, AnnouncementDelivery, AnnouncementSubscription  # noqa: F401
from core.models.audit import AuditEvent
from core.models.base import Base, UTCDateTime, never_reuse_ids, utcnow
from core.models.booking import Appointment, Availability, Closure, Reminder, WaitlistEntry  # noqa: F401
from core.models.bot_state import BotState
from core.models.centre import Centre
from core.models.citizen import Citizen
from core.models.console import ConsoleSession, IntakeAssignment, IntakeNote, IntakeReferral, LoginAttempt  # noqa: F401
from core.models.event import Event  # noqa: F401  (events shown by ask_events)
from core.models.handoff import HandoffConversation, HandoffMessage, OutboxMessage  # noqa: F401  (handoff)
from core.models.inbox import InboxUpdate
from core.models.intake import Intake  # noqa: F401  (intake records)
from core.models.media import Attachment, TopicRecording  # noqa: F401  (files kept for staff, recordings)
from core.models.operations import JobRun  # noqa: F401  (scheduled jobs)
from core.models.staff import StaffUser

never_reuse_ids(Base.metadata)  # after every model is imported: covers tables added later too

__all__ = ["AuditEvent", "Base", "BotState", "Centre", "Citizen", "InboxUpdate", "StaffUser", "UTCDateTime", "utcnow"]
