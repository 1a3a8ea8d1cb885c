"""Scheduled jobs the bot runs on its own (retention purge, waiting-list expiry, reminder scan): one row per
job, which is both the lease that lets only one replica run it and the record the console shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, JSONType, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The lease: the replica running the job now, and until when its claim holds if it dies.
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last run, for the console and the metrics.
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_outcome: Mapped[str | None] = mapped_column(String(20))  # ok | failed
    last_counts: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    last_error: Mapped[str | None] = mapped_column(Text)  # an exception's class name, never a message
    runs: Mapped[int] = mapped_column(Integer, default=0)
