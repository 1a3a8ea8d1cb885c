"""The inbox: every update Telegram sends, stored before it is acknowledged (docs/delivery.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow

INBOX_STATUSES = ("pending", "done", "failed")  # failed: given up after MAX_ATTEMPTS (core/inbox.py)


class InboxUpdate(Base):
    __tablename__ = "inbox_update"
    __table_args__ = (
        Index("ix_inbox_update_status_id", "status", "id"),
        Index("ix_inbox_update_chat_key_status", "chat_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the order updates arrived in
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)  # Telegram's: a redelivery is recognised
    # The chat (or, without one, the user) whose updates are handled one at a time, in order; None: no order.
    # Not named chat_id on purpose: erasure leaves these few operational rows to their own short retention.
    chat_key: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    payload: Mapped[Any] = mapped_column(JSONType, nullable=True)  # the cleaned update; cleared once handled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
