"""The bot's own background work: scheduled jobs that run once across replicas, and loops every replica runs.

- An **exclusive** job (retention purge, waiting-list expiry, reminder scan, announcements) runs on one replica
  at a time: before each run the replica claims the job's row in the database (core/jobs.py) — due, and no live
  lease — and records the outcome and counts when done, which the console shows (last run, counts).
- A **loop** (e.g. a replica's own delivery loop) runs on every replica, with no claim.

`Scheduler.start()` is called from the Application's `post_init` and `Scheduler.stop()` from `post_stop` /
`post_shutdown` (bot/lifecycle.py), so every run mode gets the same background work without starting it by hand.
A failing run is logged (the error's class, never its message) and recorded; the next one comes as scheduled.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import jobs as job_leases
from core import metrics
from core.db import Database
from core.models import utcnow

log = logging.getLogger(__name__)
# How long stopping waits for a job's current run (a delivery round, an announcement batch) to end on its own:
# cancelling a round between Telegram accepting a message and its row being marked would send it again later.
STOP_GRACE_S = 15.0
Counts = dict[str, int]
JobFunction = Callable[[Any, datetime], Awaitable[Counts]]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction  # (application, now) -> counts for the record
    every: timedelta
    exclusive: bool = True  # once across replicas (a database lease); False: every replica runs it
    lease: timedelta = timedelta(minutes=10)  # how long a dead replica's claim holds the job
    poll_s: float | None = None  # how often a replica asks whether the job is due (default: every, at most 30 s)

    @property
    def poll_seconds(self) -> float:
        if self.poll_s is not None:
            return self.poll_s
        return min(self.every.total_seconds(), 30.0)


def replica_id() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is a new owner)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Scheduler:
    def __init__(self, app: Any, db: Database, jobs: list[Job], *, owner: str | None = None) -> None:
        self.app = app
        self.db = db
        self.jobs = jobs
        self.owner = owner or replica_id()
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = asyncio.Event()

    def start(self) -> None:
        if self.tasks:
            return
        self.stopping = asyncio.Event()
        for job in self.jobs:
            self.tasks.append(asyncio.create_task(self._loop(job), name=f"job:{job.name}"))

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Let every job finish the run it is in (up to `grace_s`), then cancel what is still running."""
        tasks, self.tasks = self.tasks, []
        self.stopping.set()
        if tasks:
            await asyncio.wait(tasks, timeout=grace_s)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return bool(self.tasks)

    async def _loop(self, job: Job) -> None:
        if job.exclusive:
            async with self.db.write() as session:
                await job_leases.ensure_job(session, job.name)
        while not self.stopping.is_set():
            try:
                if job.exclusive:
                    await self.run_if_due(job, utcnow())
                else:
                    await self._run(job, utcnow())
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database was away: try again next time
                log.error("job %s: scheduling failed (%s)", job.name, type(exc).__name__)
            with suppress(TimeoutError):
                pause = job.poll_seconds if job.exclusive else job.every.total_seconds()
                await asyncio.wait_for(self.stopping.wait(), timeout=pause)

    async def run_if_due(self, job: Job, now: datetime) -> Counts | None:
        """Claim the job and run it when it is due here; None when it was not this replica's turn."""
        async with self.db.write() as session:
            claimed = await job_leases.claim(
                session, job.name, owner=self.owner, now=now, every=job.every, lease=job.lease
            )
        if not claimed:
            return None
        counts: Counts | None = None
        error: str | None = None
        try:
            counts = await self._run(job, now)
        except asyncio.CancelledError:
            error = "Cancelled"
            raise
        except Exception as exc:
            error = type(exc).__name__
            log.error("job %s failed (%s)", job.name, error)
        finally:
            with suppress(Exception):
                await asyncio.shield(self._finish(job, counts, error))
        return counts

    async def _finish(self, job: Job, counts: Counts | None, error: str | None) -> None:
        finished = utcnow()
        async with self.db.write() as session:
            await job_leases.finish(session, job.name, owner=self.owner, now=finished, counts=counts, error=error)
        metrics.JOB_RUNS.labels(job.name, "failed" if error else "ok").inc()
        if error is None:
            metrics.JOB_LAST_SUCCESS.labels(job.name).set(finished.timestamp())

    async def _run(self, job: Job, now: datetime) -> Counts:
        return await job.run(self.app, now)
