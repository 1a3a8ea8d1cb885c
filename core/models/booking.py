"""Appointments: what each centre offers through the bot (availability, closures), the bookings themselves,
their reminders and the waiting list.

A seat is never booked twice: an active appointment holds `seat` (1..seats of its slot) and the unique
constraint on (centre, service, start, seat) refuses a second row for it. Cancelled, expired and finished
rows give their seat back by setting it to NULL (NULLs never clash in a unique constraint, on SQLite and
PostgreSQL alike), so the history stays while the seat is free again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow

# status of an appointment
BOOKED = "booked"
HELD = "held"  # offered to the first in the waiting list, kept for them until hold_expires_at
CANCELLED = "cancelled"
EXPIRED = "expired"  # a hold nobody took in time
ATTENDED = "attended"
NO_SHOW = "no_show"
ACTIVE_STATUSES = (BOOKED, HELD)


class Availability(Base):
    """Bookable hours of one service at one centre, annex or unit. Staff change these rows; the seed only fills
    gaps. These are the hours offered through the bot, NOT the centre's official opening hours (unknown)."""

    __tablename__ = "availability"
    __table_args__ = (UniqueConstraint("centre_id", "service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"))
    service: Mapped[str] = mapped_column(String(40))
    # {"mon": [["09:00", "13:00"], ["13:30", "15:00"]], ...}: local (Europe/Athens) periods; gaps are breaks.
    weekly: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    window_days: Mapped[int] = mapped_column(Integer, default=28)
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))


class Closure(Base):
    """A local day off (a patron saint's day, a training day...). centre_id NULL closes every centre."""

    __tablename__ = "closure"
    __table_args__ = (UniqueConstraint("centre_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (
        UniqueConstraint("centre_id", "service", "starts_at", "seat"),
        Index("ix_appointment_slot", "centre_id", "service", "starts_at"),
        # Reports count appointments booked (created) and attended (by the visit's start) in a period.
        Index("ix_appointment_created", "created_at"),
        Index("ix_appointment_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"))
    service: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seat: Mapped[int | None] = mapped_column(Integer)  # NULL once the seat is given back
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who booked: the citizen through the bot, a mediator for them, or centre staff for a walk-in or phone caller
    # (the last two with the citizen's oral consent).
    booked_by_kind: Mapped[str] = mapped_column(String(20), default="citizen")  # citizen | mediator | staff
    booked_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    consent_kind: Mapped[str | None] = mapped_column(String(20))  # telegram | oral
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settlement: Mapped[str | None] = mapped_column(String(120))  # where a mediator met the citizen
    topic: Mapped[str | None] = mapped_column(String(40))  # what the visit is about: an ask_* topic id
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # "I'll come" from a reminder
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rescheduled_from_id: Mapped[int | None] = mapped_column(Integer)


class Reminder(Base):
    """One reminder of one appointment. `sent_at` is set in the transaction that records the send, so a restart
    neither loses a due reminder nor sends it again."""

    __tablename__ = "appointment_reminder"
    __table_args__ = (UniqueConstraint("appointment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"))
    kind: Mapped[str] = mapped_column(String(20))  # day_before | two_hours
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the appointment was cancelled


class WaitlistEntry(Base):
    """A citizen waiting for a seat on a full day. A freed seat is held for the first in line (an Appointment
    with status HELD), then offered to the next when the hold runs out."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (Index("ix_waitlist_day", "centre_id", "service", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"))
    service: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting|offered|booked|expired|left|closed
    hold_appointment_id: Mapped[int | None] = mapped_column(Integer)
    offer_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
