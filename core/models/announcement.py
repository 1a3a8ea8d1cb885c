"""Announcements to citizens (events, deadlines) from a centre or from all, and who asked to receive them.

A citizen opts in per centre (`AnnouncementSubscription`). Sending an announcement snapshots its recipients into
`AnnouncementDelivery`, one row per citizen (unique), which the bot works through at Telegram's pace: a row is
`pending` until Telegram accepts the message (`sent`), refuses because the citizen blocked the bot (`blocked`) or
refuses it for good (`failed`). The rows are the resumable queue and the report.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

DRAFT, SENDING, DONE = "draft", "sending", "done"
PENDING, SENT, BLOCKED, FAILED = "pending", "sent", "blocked", "failed"


class Announcement(Base):
    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"), index=True)  # None: every centre
    text_el: Mapped[str] = mapped_column(Text)
    text_simple: Mapped[str | None] = mapped_column(Text)  # easy-to-read Greek, when the author wrote one
    text_en: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))  # the staff account's username
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class AnnouncementSubscription(Base):
    __tablename__ = "announcement_subscription"
    __table_args__ = (UniqueConstraint("citizen_id", "centre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AnnouncementDelivery(Base):
    __tablename__ = "announcement_delivery"
    __table_args__ = (
        UniqueConstraint("announcement_id", "citizen_id"),
        Index("ix_announcement_delivery_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(60))  # an error's class name, never a message
