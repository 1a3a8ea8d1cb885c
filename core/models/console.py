"""What the staff console keeps: login sessions and attempts, and the casework on intakes (assignment, notes,
referrals).

A session row is the only proof of a login: the browser holds a random token, the table holds its SHA-256, so a
copy of the database does not let anyone log in, and logging out (deleting the row) really ends the session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class ConsoleSession(Base):
    __tablename__ = "console_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LoginAttempt(Base):
    """One login try, kept for throttling by client: the address is stored only as a keyed hash."""

    __tablename__ = "console_login_attempt"
    __table_args__ = (Index("ix_console_login_attempt_client_at", "client_hash", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    # The account tried (NULL for an unknown username): a lock-out applies to the clients that failed on it.
    staff_user_id: Mapped[int | None] = mapped_column(Integer, index=True)


class IntakeAssignment(Base):
    """Who on the centre's staff handles an intake (one person at a time; history is in the audit log)."""

    __tablename__ = "intake_assignment"

    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IntakeNote(Base):
    """A staff note on an intake. Personal numbers are masked (core.pii) like every free text we store."""

    __tablename__ = "intake_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IntakeReferral(Base):
    """An intake referred to another service (a municipal social service, a hospital, an NGO...)."""

    __tablename__ = "intake_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
