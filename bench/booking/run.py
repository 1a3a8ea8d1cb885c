"""Booking throughput, latency and double bookings with 50 concurrent clients (issue 5, "Measure").

    .venv/bin/python -m bench.booking.run                      # SQLite, then PostgreSQL
    .venv/bin/python -m bench.booking.run --attempts 4000 --clients 50 --sqlite-only

PostgreSQL comes from KOINOTITA_TEST_POSTGRES_URL, else from scripts/pg-start.sh. Each backend gets a fresh
migrated and seeded database and 2 scenarios, each through `core.booking.service.book` in a `Database.write()`
transaction, every attempt by a different person (so the per-person limit never interferes):

- spread: the clients book random slots of one centre's four services over the 28-day window (most succeed,
  some collide);
- hot slot: every client tries the same one-seat slot again and again (one succeeds, the rest are refused).

Printed: attempts, bookings, bookings/s and attempts/s, p50/p99 latency of an attempt, the double bookings found
afterwards (seats booked twice or slots over their seats) — which must be 0 — and database errors (lock waits
that timed out). Writes go through `core.booking.tx.booking_write`, as the bot's do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.booking import service
from core.booking.availability import availability_for, bookable_days, free_slots
from core.booking.errors import BookingError
from core.booking.tx import booking_write
from core.db import Database
from core.migrate import upgrade
from core.models import Citizen
from core.models.booking import ACTIVE_STATUSES, Appointment, Availability
from core.seed import seed_reference_data

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # fixed, so every run books the same window
CENTRE = "kk-kozani"


@dataclass
class Result:
    scenario: str
    attempts: int
    booked: int
    seconds: float
    latencies_ms: list[float]
    double_bookings: int
    errors: int

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return (
            f"  {self.scenario:<9} attempts {self.attempts:>5}  booked {self.booked:>4}  "
            f"bookings/s {self.booked / self.seconds:7.1f}  attempts/s {self.attempts / self.seconds:7.1f}  "
            f"p50 {statistics.median(lat):6.1f} ms  p99 {p99:7.1f} ms  "
            f"double bookings {self.double_bookings}  errors {self.errors}"
        )


async def make_people(db: Database, n: int) -> list[int]:
    async with db.session() as session:
        first = (await session.scalar(select(func.max(Citizen.id))) or 0) + 1
        await session.execute(
            insert(Citizen), [{"id": first + i, "created_at": NOW, "last_seen_at": NOW} for i in range(n)]
        )
        await session.commit()
    return list(range(first, first + n))


async def double_bookings(db: Database) -> int:
    async with db.session() as session:
        seats = await session.execute(
            select(Appointment.centre_id, Appointment.service, Appointment.starts_at, Appointment.seat)
            .where(Appointment.seat.is_not(None))
            .group_by(Appointment.centre_id, Appointment.service, Appointment.starts_at, Appointment.seat)
            .having(func.count() > 1)
        )
        over = await session.execute(
            select(Appointment.centre_id, Appointment.service, Appointment.starts_at)
            .join(
                Availability,
                (Availability.centre_id == Appointment.centre_id) & (Availability.service == Appointment.service),
            )
            .where(Appointment.status.in_(ACTIVE_STATUSES))
            .group_by(Appointment.centre_id, Appointment.service, Appointment.starts_at, Availability.seats)
            .having(func.count() > Availability.seats)
        )
        return len(seats.all()) + len(over.all())


async def run_clients(
    db: Database, scenario: str, targets: list[tuple[str, datetime]], people: list[int], clients: int
) -> Result:
    queue = iter(people)
    latencies: list[float] = []
    booked = 0
    errors = 0

    async def client() -> None:
        nonlocal booked, errors
        for citizen_id in queue:  # the clients share one iterator: each person tries once
            what, starts_at = random.choice(targets)
            began = time.perf_counter()
            try:
                async with booking_write(db) as session:
                    await service.book(
                        session, citizen_id=citizen_id, centre_id=CENTRE, service=what, starts_at=starts_at, now=NOW
                    )
                booked += 1
            except BookingError:
                pass
            except DBAPIError:  # e.g. a lock wait that timed out: counted, never hidden
                errors += 1
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - began
    return Result(scenario, len(people), booked, seconds, latencies, await double_bookings(db), errors)


async def bench(url: str, attempts: int, clients: int) -> list[Result]:
    upgrade(url)
    db = Database(url)
    try:
        await seed_reference_data(db)
        targets: list[tuple[str, datetime]] = []
        async with db.session() as session:
            for what in ("social_worker", "psychologist", "employment", "applications"):
                avail = await availability_for(session, CENTRE, what)
                assert avail is not None
                for day in await bookable_days(session, avail, now=NOW):
                    targets += [(what, s.starts_at) for s in await free_slots(session, avail, day.day, now=NOW)]
        hot_slot = next(t for t in reversed(targets) if t[0] == "social_worker")
        targets.remove(hot_slot)  # kept free for the second scenario
        spread = await run_clients(db, "spread", targets, await make_people(db, attempts), clients)
        hot = await run_clients(db, "hot slot", [hot_slot], await make_people(db, attempts // 4), clients)
        return [spread, hot]
    finally:
        await db.dispose()


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"


@contextmanager
def postgres_url() -> Iterator[str]:
    admin = (
        os.environ.get("KOINOTITA_TEST_POSTGRES_URL")
        or subprocess.run(["scripts/pg-start.sh"], capture_output=True, text=True, check=True).stdout.strip()
    )
    name = f"bench_booking_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"').text)
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)').text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    random.seed(5)
    backends = [("SQLite", sqlite_url)] + ([] if args.sqlite_only else [("PostgreSQL", postgres_url)])
    for label, make in backends:
        with make() as url:
            results = asyncio.run(bench(url, args.attempts, args.clients))
        print(f"{label} ({args.clients} concurrent clients)")
        for result in results:
            print(result.line())


if __name__ == "__main__":
    main()
