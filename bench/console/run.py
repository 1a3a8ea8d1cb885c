"""Console page latency with 100,000 intakes (issues 7 and 14): every page, p95 target 100 ms on PostgreSQL.

    .venv/bin/python -m bench.console.run                 # SQLite, and PostgreSQL if KOINOTITA_TEST_POSTGRES_URL
    .venv/bin/python -m bench.console.run --intakes 20000 --requests 50

Each backend gets a fresh migrated and seeded database, N intakes spread over the 15 centres (a realistic mix of
statuses, categories and 5% urgent), then the real console app (in process, over httpx's ASGI transport: routing,
session check, scoped query, count, template) serves `GET /intakes` to a logged-in staff member of one centre
(the default queue, a filter, a later page) and to an admin (all centres). Prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from core.db import Database
from core.migrate import upgrade
from core.models import Citizen
from core.models.intake import Intake
from core.seed import seed_reference_data
from core.settings import Settings
from core.users import create_user
from knowledge.places import load_centres
from staff_console.app import create_app

PASSWORD = "amber-kite-above-the-lake-9"
CATEGORIES = [
    "ask_min_income",
    "ask_child_benefit",
    "ask_housing",
    "ask_food_aid",
    "ask_energy_bills",
    "ask_employment",
    "ask_psychosocial",
    "ask_disability",
    "other",
    "safety",
]
STATUSES = ["new"] * 2 + ["in_progress"] * 2 + ["waiting_citizen"] + ["closed"] * 5
QUERIES = {
    "staff: dashboard": ("staff", "/"),
    "staff: default queue": ("staff", "/intakes"),
    "staff: status=new, urgent first": ("staff", "/intakes?status=new"),
    "staff: category filter": ("staff", "/intakes?category=ask_housing&sort=newest"),
    "staff: page 20": ("staff", "/intakes?page=20"),
    "admin: all centres": ("admin", "/intakes"),
    "admin: all, category": ("admin", "/intakes?category=ask_food_aid"),
    "staff: one intake": ("staff", "/intakes/{kozani_intake}"),
    "staff: live queue (snapshot)": ("staff", "/live/intakes"),
    "staff: unread badge (snapshot)": ("staff", "/live"),
    "staff: appointments, day": ("staff", "/appointments"),
    "staff: appointments, week": ("staff", "/appointments?view=week"),
    "staff: conversations": ("staff", "/conversations"),
    "staff: password and sessions": ("staff", "/password"),
    "admin: reports, month": ("admin", "/reports?month=2025-06"),
    "admin: reports, a year": ("admin", "/reports?start=2025-01-01&end=2025-12-31"),
    "admin: reports CSV": ("admin", "/reports.csv?month=2025-06"),
    "admin: centres": ("admin", "/centres"),
    "admin: users": ("admin", "/users"),
    "admin: audit log": ("admin", "/audit"),
    "staff: waiting list": ("staff", "/waitlist"),
    "staff: bookable hours": ("staff", "/hours"),
    "staff: new appointment, free times": ("staff", "/appointments/new?centre=kk-kozani&service=social_worker"),
    "admin: mediators": ("admin", "/mediators"),
}


async def fill(url: str, count: int, citizens: int = 0) -> None:
    upgrade(url)
    db = Database(url)
    try:
        await seed_reference_data(db)
        centres = [c.id for c in load_centres()]
        rng = random.Random(7)
        start = datetime(2025, 1, 1, tzinfo=UTC)
        async with db.session() as session:
            await create_user(session, username="staff", role="staff", centre_id="kk-kozani", password=PASSWORD)
            await create_user(session, username="admin", role="admin", password=PASSWORD)
            people: list[int] = []
            if citizens:  # intakes of known citizens: the report's unique citizens then count real pairs
                ids = await session.execute(
                    insert(Citizen).returning(Citizen.id),
                    [
                        {"telegram_id": 900_000_000 + n, "created_at": start, "last_seen_at": start}
                        for n in range(citizens)
                    ],
                )
                people = list(ids.scalars().all())
            batch: list[dict[str, object]] = []
            for i in range(count):
                created = start + timedelta(minutes=rng.randrange(0, 700 * 24 * 60))
                batch.append(
                    {
                        "centre_id": centres[i % len(centres)],
                        "citizen_id": rng.choice(people) if people else None,
                        "status": rng.choice(STATUSES),
                        "urgent": rng.random() < 0.05,
                        "urgency_reasons": [],
                        "channel": "telegram",
                        "created_by_kind": "citizen",
                        "categories": rng.sample(CATEGORIES, rng.choice((1, 1, 2))),
                        "description": "Περιγραφή αιτήματος για τη μέτρηση.",
                        "programme_ids": [],
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                if len(batch) == 5000:
                    await session.execute(insert(Intake), batch)
                    batch = []
            if batch:
                await session.execute(insert(Intake), batch)
            await session.commit()
        if make_url(url).get_backend_name() != "postgresql":
            async with db.session() as session:
                await session.execute(text("ANALYZE"))  # planner statistics
                await session.commit()
    finally:
        await db.dispose()
    if make_url(url).get_backend_name() == "postgresql":
        # Planner statistics and the visibility map, as autovacuum keeps them in production after a load like this
        # one (without it a bulk-loaded table serves no index-only scan). On this machine the first VACUUM right
        # after the load often marked no page all-visible (cause not found); a second one, a moment later, does.
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            for _ in range(5):
                conn.execute("VACUUM ANALYZE")
                row = conn.execute("SELECT relallvisible FROM pg_class WHERE relname = 'intake'").fetchone()
                if row is not None and row[0] > 0:
                    break
                time.sleep(1)
            else:
                print("warning: intake is still not all-visible after VACUUM: no index-only scans")


async def measure(url: str, requests: int, only: list[str] | None = None) -> dict[str, list[float]]:
    db = Database(url)
    app = create_app(Settings(KOINOTITA_DATABASE_URL=url, TELEGRAM_BOT_TOKEN=None), database=db, secure_cookies=False)
    timings: dict[str, list[float]] = {}
    try:
        clients: dict[str, httpx.AsyncClient] = {}
        for who in ("staff", "admin"):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")
            page = await client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            login = await client.post(
                "/login", data={"csrf_token": token.group(1), "username": who, "password": PASSWORD}
            )
            assert login.status_code == 303, login.status_code
            clients[who] = client
        async with db.session() as session:
            kozani = await session.scalar(text("SELECT min(id) FROM intake WHERE centre_id = 'kk-kozani'"))
        for name, (who, template) in QUERIES.items():
            if only and not any(word in name for word in only):
                continue
            path = template.format(kozani_intake=kozani)
            client = clients[who]
            for _ in range(3):  # warm-up: connection pool, statement caches, template compilation
                await client.get(path)
            samples = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = await client.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            timings[name] = samples
        for client in clients.values():
            await client.aclose()
    finally:
        await db.dispose()
    return timings


def report(backend: str, count: int, timings: dict[str, list[float]]) -> None:
    print(f"\n{backend}, {count:,} intakes")
    print(f"{'query':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, samples in timings.items():
        ordered = sorted(samples)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(f"{name:34} {statistics.median(ordered):8.1f} {p95:8.1f} {ordered[-1]:8.1f}")


def pg_database(admin_url: str) -> tuple[str, str]:
    name = f"bench_console_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin_url).set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_pg(admin_url: str, name: str) -> None:
    dsn = make_url(admin_url).set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intakes", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--citizens", type=int, default=0, help="link the intakes to this many citizens (default: none, as before)"
    )
    parser.add_argument("--only", nargs="*", help="measure only the pages whose name contains one of these words")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres_only:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            await asyncio.to_thread(upgrade, url)
            await fill(url, args.intakes, args.citizens)
            report("SQLite", args.intakes, await measure(url, args.requests, args.only))
    admin = os.environ.get("KOINOTITA_TEST_POSTGRES_URL")
    if not admin:
        print("\nPostgreSQL: skipped (set KOINOTITA_TEST_POSTGRES_URL, e.g. from scripts/pg-start.sh)")
        return
    url, name = pg_database(admin)
    try:
        await fill(url, args.intakes, args.citizens)
        report("PostgreSQL", args.intakes, await measure(url, args.requests, args.only))
    finally:
        drop_pg(admin, name)


if __name__ == "__main__":
    asyncio.run(main())
