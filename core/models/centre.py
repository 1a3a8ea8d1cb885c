"""A place of service: a Community Centre, a Roma annex or a regional unit.

Seeded from `knowledge/data/centres.yaml` on first run and corrected by an admin afterwards: the database,
not the seed file, is what the bot shows. Unknown details stay NULL; the bot says they are not known yet.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime, utcnow


class Centre(Base):
    __tablename__ = "centre"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # centre | roma_annex | regional_unit
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"))
    name_el: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    town_el: Mapped[str | None] = mapped_column(String(100))
    town_en: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[str | None] = mapped_column(Text)
    municipalities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Contacts that are related but are NOT the centre's own line (e.g. a municipal social service).
    related_contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Where each known detail came from: {"phone": {"source": url, "checked": "2026-11-25", "note": ...}, ...}
    sources: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    checked: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))  # "seed" or a staff username
