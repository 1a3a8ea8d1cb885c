"""Leases for scheduled jobs: each job runs once across replicas, and its last run is on record.

`claim(session, name, owner=..., now=..., every=..., lease=...)` takes the job's row when the job is due (its last
start is `every` ago or more) and nobody holds a live lease; it is a single conditional UPDATE, so two replicas
asking at the same moment cannot both win (on SQLite and PostgreSQL alike). A replica that dies mid-run leaves a
lease that lapses after `lease`, and another replica takes over. `finish()` records the outcome and the counts
and lets the lease go.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.operations import JobRun


async def ensure_job(session: AsyncSession, name: str) -> None:
    """The job's row exists (inserted once, whoever comes first)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(JobRun).values(name=name, runs=0).on_conflict_do_nothing(index_elements=["name"]))


async def claim(
    session: AsyncSession, name: str, *, owner: str, now: datetime, every: timedelta, lease: timedelta
) -> bool:
    """Take the job if it is due and free; True when this caller runs it now."""
    result = await session.execute(
        update(JobRun)
        .where(
            JobRun.name == name,
            or_(JobRun.lease_until.is_(None), JobRun.lease_until < now, JobRun.lease_owner == owner),
            or_(JobRun.last_started_at.is_(None), JobRun.last_started_at <= now - every),
        )
        .values(lease_owner=owner, lease_until=now + lease, last_started_at=now, runs=JobRun.runs + 1)
    )
    return bool(getattr(result, "rowcount", 0))


async def finish(
    session: AsyncSession,
    name: str,
    *,
    owner: str,
    now: datetime,
    counts: dict[str, Any] | None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {
        "lease_owner": None,
        "lease_until": None,
        "last_finished_at": now,
        "last_outcome": "failed" if error else "ok",
        "last_error": error,
    }
    if error is None:
        values["last_success_at"] = now
        values["last_counts"] = counts or {}
    await session.execute(update(JobRun).where(JobRun.name == name, JobRun.lease_owner == owner).values(**values))


async def job_runs(session: AsyncSession) -> list[JobRun]:
    return list(await session.scalars(select(JobRun).order_by(JobRun.name)))
