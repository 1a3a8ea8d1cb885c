"""A citizen who talks to the bot (or for whom a mediator acts). The minimum is stored: never ethnicity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow


class Citizen(Base):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for people without a phone, registered by a mediator of a Roma annex.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str | None] = mapped_column(String(16))  # el | el-simple | en; None until chosen
    # Remembered only after consent, for bookings and call-backs.
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    home_centre_id: Mapped[str | None] = mapped_column(String(40))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # What the citizen told the bot about their situation (household, work, rent, place: core.citizens.KEPT_FACTS),
    # kept between conversations only with its own consent (asked after the facts were confirmed); both null when
    # never given or withdrawn.
    kept_facts: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    kept_facts_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when Telegram said the citizen blocked the bot (403): nothing more is sent until they write again.
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
