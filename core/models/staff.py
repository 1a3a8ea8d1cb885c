"""Accounts of people who work with Koinotita: admins, coordinators, centre staff and Roma annex mediators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

ROLES = ("admin", "coordinator", "staff", "mediator")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # one of ROLES
    # Staff and mediators belong to one centre (a mediator to a Roma annex); admins and coordinators to none.
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A mediator's Telegram account, linked through a one-time deep link.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    link_token_hash: Mapped[str | None] = mapped_column(String(128))
    link_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
