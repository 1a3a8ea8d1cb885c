"""All models, imported here so that `Base.metadata` is complete for Alembic and tests."""

from core.models.audit import AuditEvent
from core.models.base import Base, UTCDateTime, utcnow
from core.models.bot_state import BotState
from core.models.centre import Centre
from core.models.citizen import Citizen
from core.models.staff import StaffUser

__all__ = ["AuditEvent", "Base", "BotState", "Centre", "Citizen", "StaffUser", "UTCDateTime", "utcnow"]
