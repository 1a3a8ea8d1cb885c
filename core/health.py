"""What the health endpoints and the metrics read from the database: readiness and backlogs, no personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core import metrics
from core.inbox import inbox_backlog
from core.models.announcement import PENDING, AnnouncementDelivery
from core.models.booking import Reminder
from core.models.handoff import OutboxMessage
from core.models.operations import JobRun
from core.reachability import count_unreachable


async def database_at_head(session: AsyncSession, heads: set[str]) -> bool:
    """The database answers and carries every migration of this code."""
    rows = await session.execute(text("SELECT version_num FROM alembic_version"))
    return {str(r[0]) for r in rows} == heads


async def refresh_gauges(session: AsyncSession, now: datetime) -> None:
    """Set the database-derived gauges of core/metrics.py just before they are scraped."""
    backlog, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
        )
    ).one()
    metrics.OUTBOX_BACKLOG.set(int(backlog or 0))
    metrics.OUTBOX_OLDEST_AGE.set(_age(now, oldest))
    waiting, oldest_update, failed = await inbox_backlog(session)
    metrics.INBOX_PENDING.set(waiting)
    metrics.INBOX_OLDEST_AGE.set(_age(now, oldest_update))
    metrics.INBOX_FAILED.set(failed)
    overdue = await session.scalar(
        select(func.min(Reminder.due_at)).where(
            Reminder.sent_at.is_(None), Reminder.dropped_at.is_(None), Reminder.due_at <= now
        )
    )
    metrics.REMINDER_LAG.set(_age(now, overdue))
    metrics.UNREACHABLE_CITIZENS.set(await count_unreachable(session))
    metrics.ANNOUNCEMENT_PENDING.set(
        int(await session.scalar(select(func.count()).where(AnnouncementDelivery.status == PENDING)) or 0)
    )
    for job in await session.scalars(select(JobRun)):
        if job.last_success_at is not None:
            metrics.JOB_LAST_SUCCESS.labels(job.name).set(job.last_success_at.timestamp())


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite aggregates come back without a zone; they are stored in UTC
        from datetime import UTC

        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())
