"""An intake: a citizen's structured request to the Community Centre that serves them.

Stored only after the citizen consented. Free text is stored with personal numbers masked (core.pii).
A voice note is kept as Telegram's file id (staff listen to it through Telegram), never as audio here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow

# new → in progress (→ waiting for the citizen) → referred to another service → closed.
INTAKE_STATUSES = ("new", "in_progress", "waiting_citizen", "referred", "closed")
CHANNELS = ("telegram", "mediator", "staff")


class Intake(Base):
    __tablename__ = "intake"
    __table_args__ = (Index("ix_intake_queue", "centre_id", "status", "urgent", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once the citizen asked to be forgotten and the record had to be kept (restricted, anonymous).
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    # Null when the citizen's place is served by no known centre: the coordinator assigns it.
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))
    status: Mapped[str] = mapped_column(String(20), default="new")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why it is urgent: "emergency" (came from the emergency answer), "category:<c>", "words:<danger category>".
    urgency_reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channel: Mapped[str] = mapped_column(String(20), default="telegram")
    created_by_kind: Mapped[str] = mapped_column(String(20), default="citizen")  # citizen | mediator | staff
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    language: Mapped[str | None] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    description: Mapped[str | None] = mapped_column(Text)  # personal numbers masked
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    adults: Mapped[int | None] = mapped_column(Integer)
    children: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(200))
    municipality_id: Mapped[str | None] = mapped_column(String(60))
    contact_method: Mapped[str | None] = mapped_column(String(20))  # telegram | phone
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_time: Mapped[str | None] = mapped_column(String(20))  # morning | afternoon | any
    # The Telegram chat to answer in (the citizen's own chat); null for people a mediator registered.
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # What the citizen was told to bring, as it was at the time: programme ids and the checklist text sent.
    programme_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    checklist_text: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # Set by /forget on a record the centre must keep: everything identifying is gone, only the fact remains.
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def summary(self) -> dict[str, Any]:
        """The record without free text, for lists and logs-free views."""
        return {
            "id": self.id,
            "centre_id": self.centre_id,
            "status": self.status,
            "urgent": self.urgent,
            "categories": list(self.categories),
            "created_at": self.created_at.isoformat(),
        }


# The queue's default order, urgent first and then the oldest, served straight from an index: for one centre
# (staff) and across all centres (coordinators, admins). Measured in bench/console.
Index("ix_intake_centre_urgent_first", Intake.centre_id, Intake.urgent.desc(), Intake.created_at, Intake.id)
Index("ix_intake_urgent_first", Intake.urgent.desc(), Intake.created_at, Intake.id)
# A centre's queue sorted newest or oldest first (also with a topic filter).
Index("ix_intake_centre_created", Intake.centre_id, Intake.created_at, Intake.id)
# Reports (core.period_report) count a period's intakes per centre, status and topic, and the distinct citizens:
# on PostgreSQL the index carries those columns, so a year of intakes is read from the index alone.
Index(
    "ix_intake_created",
    Intake.created_at,
    postgresql_include=["centre_id", "status", "citizen_id", "categories"],
)
# The queue's topic filter (`categories @> '["ask_housing"]'`): a GIN index on PostgreSQL. SQLite has no such
# index; there the filter reads each row's JSON (json_each).
Index(
    "ix_intake_categories",
    Intake.categories,
    postgresql_using="gin",
    postgresql_ops={"categories": "jsonb_path_ops"},
).ddl_if(dialect="postgresql")
