"""Human handoff: a conversation handed from the bot to the centre's staff, its messages, and the outbox of
staff replies the bot delivers (each exactly once, see core/outbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow

CONVERSATION_STATUSES = ("open", "closed")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


class HandoffConversation(Base):
    __tablename__ = "handoff_conversation"
    __table_args__ = (
        Index("ix_handoff_conversation_chat_status", "telegram_chat_id", "status"),
        Index("ix_handoff_conversation_centre_status", "centre_id", "status"),
        Index("ix_handoff_conversation_opened", "opened_at"),  # reports: conversations opened in a period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))  # null: the coordinator assigns it
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intake.id", ondelete="SET NULL"))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(20))  # staff | citizen | system
    closed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class HandoffMessage(Base):
    __tablename__ = "handoff_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("handoff_conversation.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(10))  # citizen | staff
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str | None] = mapped_column(Text)  # personal numbers masked
    voice_file_id: Mapped[str | None] = mapped_column(String(255))
    # A staff message's delivery (its outbox row: pending / sending / sent / failed), shown beside it.
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxMessage(Base):
    """A message the bot must deliver to a chat: a staff reply, the notice that staff closed the chat, or (kind
    `bot`) any Bot API call a step made — `method` and its `payload` — sent after the step committed."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoff_conversation.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # staff_reply | handoff_closed | appointment_cancelled | appointment_moved (to the citizen) | bot (a step's call) |
    # visit_cancelled | visit_moved (to the mediator who booked the visit)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str | None] = mapped_column(Text)  # the staff reply or message (masked); None for fixed notices
    # Whom the message is about: forgetting the citizen deletes it, whichever chat it goes to (a mediator's too).
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    # The appointment a notice is about (rendered when delivered: service, centre, day and time).
    appointment_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(80))  # the error class only, never a payload
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    method: Mapped[str | None] = mapped_column(String(40))  # kind bot: the Bot API method
    payload: Mapped[Any] = mapped_column(JSONType, nullable=True)  # kind bot: its parameters (files base64)
    claimed_by: Mapped[str | None] = mapped_column(String(40))  # the process sending it (replicas)
