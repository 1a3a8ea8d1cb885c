"""What the Telegram bot must keep across restarts: conversation states and per-user/chat/bot data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow


class BotState(Base):
    __tablename__ = "bot_state"

    # kind: "user", "chat", "bot", "callback" or "conversation:<name>"; key: the id (JSON-encoded for tuples).
    kind: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
