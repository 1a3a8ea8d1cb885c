"""An event, workshop or information session a Community Centre announces ("ask_events").

Staff write events in the console; the bot shows only published ones that have not started yet. An event with
no centre is region-wide and shown to everyone. The title and place are shown as staff wrote them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "event"
    # The bot's one query: published events from now on, in time order.
    __table_args__ = (Index("ix_event_published_starts_at", "published", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(Text)
    # Drafts stay invisible to citizens until staff publish them.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))  # a staff username
