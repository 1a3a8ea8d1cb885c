"""Files kept for staff and recordings for listening.

- `Attachment`: a voice note, photo or PDF a citizen sent in a request (intake) or a conversation with staff,
  stored after consent, checked by content (core/media.py), erased with its record (core/privacy.py) and by
  `/forget`. The bytes live in the database so that a backup, a purge and a forget treat them like the record.
- `TopicRecording`: a recording of a topic's easy-to-read answer uploaded in the console (Greek, or Romani read by
  a mediator); preferred over the synthetic voice (bot/voice.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

RECORDING_REGISTERS = ("el-simple", "rom")


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_centre_created", "centre_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one owner: a request or a handed-over conversation (and then the message it came with).
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoff_conversation.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_message.id", ondelete="CASCADE"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))  # the owner's centre, for scope
    kind: Mapped[str] = mapped_column(String(10))  # voice | photo | pdf
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    duration_s: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TopicRecording(Base):
    __tablename__ = "topic_recording"
    __table_args__ = (Index("ix_topic_recording_topic_register", "topic", "register"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))  # the topic's intent, e.g. ask_min_income
    register: Mapped[str] = mapped_column(String(16))  # el-simple | rom
    mime: Mapped[str] = mapped_column(String(40), default="audio/ogg")
    size: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    # The hash of the answer text when it was recorded: the console says when the answer has changed since.
    text_hash: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
