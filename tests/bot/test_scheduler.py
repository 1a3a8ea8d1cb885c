"""Scheduled jobs: once across replicas (a database lease), recorded (last run, counts), taken over when a replica
dies, and started/stopped with the Application through post_init/post_shutdown."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.jobs import ANNOUNCEMENTS, OUTBOX, PURGE, REMINDERS, WAITING_LIST
from bot.lifecycle import RunningApplication, running
from bot.scheduler import Job, Scheduler
from core import jobs as leases
from core.db import Database
from tests.bot.conftest import make_settings

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def counting_job(runs: list[str], name: str = "count", **options: Any) -> Job:
    async def run(app: Any, now: datetime) -> dict[str, int]:
        runs.append(app)
        return {"done": len(runs)}

    return Job(name, run, every=timedelta(minutes=1), lease=timedelta(minutes=5), **options)


async def test_a_job_runs_once_across_replicas_and_is_recorded(database: Database) -> None:
    runs: list[str] = []
    job = counting_job(runs)
    replicas = [Scheduler(f"replica-{i}", database, [job], owner=f"replica-{i}") for i in range(3)]
    async with database.write() as session:
        await leases.ensure_job(session, job.name)
    results = await asyncio.gather(*(r.run_if_due(job, T0) for r in replicas))
    assert len(runs) == 1 and sum(1 for r in results if r is not None) == 1
    # Not due again within its period, whoever asks.
    assert [await r.run_if_due(job, T0 + timedelta(seconds=30)) for r in replicas] == [None, None, None]
    assert await replicas[2].run_if_due(job, T0 + timedelta(minutes=1)) == {"done": 2}
    async with database.session() as session:
        (record,) = await leases.job_runs(session)
    assert record.runs == 2 and record.last_outcome == "ok" and record.last_counts == {"done": 2}
    assert record.lease_owner is None and record.last_success_at is not None


async def test_a_dead_replicas_lease_lapses_and_another_takes_over(database: Database) -> None:
    async with database.write() as session:
        await leases.ensure_job(session, "count")
        assert await leases.claim(
            session, "count", owner="dead", now=T0, every=timedelta(minutes=1), lease=timedelta(minutes=5)
        )  # claimed, then the process died: no finish
    runs: list[str] = []
    job = counting_job(runs)
    alive = Scheduler("alive", database, [job], owner="alive")
    assert await alive.run_if_due(job, T0 + timedelta(minutes=2)) is None  # the lease still holds
    assert await alive.run_if_due(job, T0 + timedelta(minutes=6)) == {"done": 1}


async def test_a_failing_run_is_recorded_by_its_error_class_only(database: Database) -> None:
    async def broken(app: Any, now: datetime) -> dict[str, int]:
        raise ValueError("Μαρία Παπαδοπούλου 6912345678")  # a message that must never be stored

    job = Job("broken", broken, every=timedelta(minutes=1))
    async with database.write() as session:
        await leases.ensure_job(session, job.name)
    assert await Scheduler(None, database, [job], owner="a").run_if_due(job, T0) is None
    async with database.session() as session:
        (record,) = await leases.job_runs(session)
    assert record.last_outcome == "failed" and record.last_error == "ValueError" and record.lease_owner is None


async def test_the_application_starts_and_stops_its_jobs_through_its_hooks(
    sqlite_url: str, nlu_cache_dir: Path
) -> None:
    app = build_application(make_settings(sqlite_url, nlu_cache_dir))
    assert isinstance(app, RunningApplication)
    async with running(app):
        assert app.scheduler is not None and app.scheduler.running
        assert {j.name for j in app.scheduler.jobs} == {PURGE, WAITING_LIST, REMINDERS, OUTBOX, ANNOUNCEMENTS}
        names: set[str] = set()
        for _ in range(200):  # the first runs happen at start
            async with app.services.db.session() as session:
                names = {r.name for r in await leases.job_runs(session) if r.last_success_at is not None}
            if names >= {PURGE, WAITING_LIST, REMINDERS}:
                break
            await asyncio.sleep(0.05)
        assert names >= {PURGE, WAITING_LIST, REMINDERS}
        tasks = list(app.scheduler.tasks)
    assert not app.scheduler.running and all(t.done() for t in tasks)


async def test_stopping_lets_a_run_in_progress_finish_and_cancels_one_that_hangs(database: Database) -> None:
    """A delivery round cut between Telegram accepting a message and its row being marked would send it again
    after the lease: stopping waits for the round in hand, and only a run past the grace period is cancelled."""
    started, finished = asyncio.Event(), []

    async def slow_round(app: Any, now: datetime) -> dict[str, int]:
        started.set()
        await asyncio.sleep(0.3)
        finished.append(now)
        return {}

    scheduler = Scheduler(None, database, [Job("slow", slow_round, every=timedelta(seconds=1), exclusive=False)])
    scheduler.start()
    await started.wait()
    await scheduler.stop()
    assert len(finished) == 1 and not scheduler.running

    hung = asyncio.Event()

    async def hanging_round(app: Any, now: datetime) -> dict[str, int]:
        hung.set()
        await asyncio.Event().wait()
        return {}

    scheduler = Scheduler(None, database, [Job("hang", hanging_round, every=timedelta(seconds=1), exclusive=False)])
    scheduler.start()
    await hung.wait()
    await asyncio.wait_for(scheduler.stop(grace_s=0.1), timeout=5)
    assert not scheduler.running
