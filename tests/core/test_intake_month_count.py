"""PostgreSQL's monthly intake counts (migration h17_intake_month_count, read by core.intake_counts) stay equal to
a recount from the intakes after every kind of write: ORM and bulk inserts, status, topic, centre and date
changes, unrelated updates, a citizen's deletion (ON DELETE SET NULL), deletes, a rolled-back transaction and
TRUNCATE; the migration's downgrade removes them and its upgrade fills them from the rows already there; reports
whose whole months come from them give the figures of a count over the rows. PostgreSQL only: SQLite has no such
table (the report counts its rows, tests/core/test_period_report.py)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, insert, select, text, update

from core.db import Database
from core.intake_counts import ATHENS, INTAKE_MONTH_COUNT
from core.migrate import alembic_config, upgrade
from core.models import Citizen
from core.models.intake import INTAKE_STATUSES, Intake
from core.period_report import period_report

CENTRES = ("kk-kozani", "kk-kastoria", "kk-florina")
TOPICS = ("ask_housing", "ask_food_aid", "other")
# Athens month edges (UTC+2 in winter, +3 in summer): October and November there, whatever the UTC date says.
EDGES = (
    datetime(2026, 10, 31, 21, 30, tzinfo=UTC),  # 31 October, 23:30 in Athens (EET since 25 October)
    datetime(2026, 10, 31, 22, 0, tzinfo=UTC),  # 1 November, 00:00
    datetime(2026, 9, 30, 20, 59, tzinfo=UTC),  # 30 September, 23:59 (EEST)
    datetime(2026, 9, 30, 21, 0, tzinfo=UTC),  # 1 October, 00:00
)
Key = tuple[date, str, str, str]
# conftest's fresh migrated database (`db_url`, `database`), on PostgreSQL only.
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


async def recount(db: Database) -> dict[Key, tuple[int, int]]:
    """(intakes, topic mentions) per Athens month, centre, status and topic, worked out in Python from the rows."""
    intakes: Counter[Key] = Counter()
    mentions: Counter[Key] = Counter()
    async with db.session() as session:
        for centre, status, topics, created in await session.execute(
            select(Intake.centre_id, Intake.status, Intake.categories, Intake.created_at)
        ):
            if centre is None:
                continue
            month = created.astimezone(ATHENS).date().replace(day=1)
            intakes[(month, centre, status, topics[0] if topics else "")] += 1
            for topic in topics:
                mentions[(month, centre, status, topic)] += 1
    return {key: (intakes[key], mentions[key]) for key in intakes | mentions}


async def kept(db: Database) -> dict[Key, tuple[int, int]]:
    """The table's rows that count something (rows back at 0 stay and mean nothing)."""
    t = INTAKE_MONTH_COUNT.c
    async with db.session() as session:
        rows = await session.execute(select(t.month, t.centre_id, t.status, t.topic, t.intakes, t.mentions))
    return {(m, c, s, topic): (i, n) for m, c, s, topic, i, n in rows if i or n}


async def assert_exact(db: Database) -> None:
    assert await kept(db) == await recount(db)


def intake(rng: random.Random, created: datetime) -> dict[str, object]:
    return {
        "centre_id": rng.choice((*CENTRES, None)),
        "status": rng.choice(INTAKE_STATUSES),
        "categories": rng.choice(([], ["other", "other"], *([t] for t in TOPICS), rng.sample(TOPICS, 2))),
        "created_at": created,
        "updated_at": created,
        "urgent": False,
        "urgency_reasons": [],
        "channel": "telegram",
        "created_by_kind": "citizen",
        "programme_ids": [],
    }


async def test_counts_follow_every_kind_of_write(database: Database) -> None:
    rng = random.Random(17)
    start = datetime(2026, 8, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=rng.randrange(0, 60 * 24 * 120)) for _ in range(120)] + list(EDGES)
    async with database.session() as session:
        citizen = Citizen(telegram_id=1717)
        session.add(citizen)
        await session.flush()
        session.add_all(Intake(**intake(rng, at), citizen_id=citizen.id) for at in moments[:40])  # one by one
        await session.flush()
        await session.execute(insert(Intake), [intake(rng, at) for at in moments[40:]])  # one bulk statement
        await session.commit()
    await assert_exact(database)

    async with database.session() as session:
        some = (await session.scalars(select(Intake).order_by(Intake.id).limit(30))).all()
        for n, record in enumerate(some):
            if n % 5 == 0:
                record.status = "closed"
            elif n % 5 == 1:
                record.categories = [*record.categories, "ask_energy_bills"]
            elif n % 5 == 2:
                record.centre_id = None if record.centre_id else "kk-kozani"  # assigned, or taken back
            elif n % 5 == 3:
                record.created_at = record.created_at + timedelta(days=20)  # into another month
            else:
                record.description = "Μόνο η περιγραφή άλλαξε."  # nothing counted changes
        await session.commit()
    await assert_exact(database)

    async with database.session() as session:
        await session.execute(update(Intake).where(Intake.id % 3 == 0).values(status="in_progress"))  # bulk
        await session.execute(update(Intake).where(Intake.id % 7 == 0).values(categories=[]))
        await session.execute(delete(Citizen))  # the citizen's intakes stay, without citizen_id (SET NULL)
        await session.commit()
    await assert_exact(database)

    async with database.session() as session:
        await session.execute(delete(Intake).where(Intake.id % 4 == 0))
        await session.execute(update(Intake).where(Intake.id % 5 == 0).values(status="referred"))
        await session.rollback()  # neither happened
        await session.execute(delete(Intake).where(Intake.id % 2 == 0))
        await session.commit()
    await assert_exact(database)

    async with database.session() as session:
        await session.execute(text("TRUNCATE intake CASCADE"))
        await session.commit()
    assert await kept(database) == {}


async def test_reports_from_whole_months_equal_a_count_over_the_rows(database: Database) -> None:
    """Whole months from the table, partial ones from the rows: the same figures as counting every row (the
    table emptied of meaning by a reset to 0 would make core.intake_counts count months as empty)."""
    rng = random.Random(71)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [intake(rng, start + timedelta(minutes=rng.randrange(0, 60 * 24 * 200))) for _ in range(300)]
    async with database.session() as session:
        await session.execute(insert(Intake), rows + [intake(rng, at) for at in EDGES])
        await session.execute(update(Intake).where(Intake.id % 4 == 0).values(status="closed"))
        await session.commit()
    periods = [
        (date(2026, 1, 1), date(2026, 12, 31)),  # twelve whole months
        (date(2026, 10, 1), date(2026, 10, 31)),  # one
        (date(2026, 9, 14), date(2026, 11, 20)),  # partial, whole, partial
        (date(2026, 10, 5), date(2026, 10, 25)),  # within one month
        (date(2026, 11, 1), date(2027, 2, 3)),
    ]
    async with database.session() as session:
        with_table = [await period_report(session, first=a, last=b) for a, b in periods]
        # Without the table's rows the whole months would count nothing: proof that they were read from it.
        await session.execute(update(INTAKE_MONTH_COUNT).values(intakes=0, mentions=0))
        emptied = await period_report(session, first=date(2026, 10, 1), last=date(2026, 10, 31))
        await session.rollback()
    assert all(r.intakes == 0 for r in emptied)
    for (first, last), report in zip(periods, with_table, strict=True):
        assert {r.centre_id: (r.intakes, r.intakes_by_status, r.intakes_by_category) for r in report} == (
            await count_rows(database, first, last)
        ), (first, last)


async def count_rows(
    database: Database, first: date, last: date
) -> dict[str, tuple[int, dict[str, int], dict[str, int]]]:
    intakes: Counter[str] = Counter()
    statuses: dict[str, Counter[str]] = {}
    topics: dict[str, Counter[str]] = {}
    async with database.session() as session:
        for centre, status, categories, created in await session.execute(
            select(Intake.centre_id, Intake.status, Intake.categories, Intake.created_at)
        ):
            if centre is None or not first <= created.astimezone(ATHENS).date() <= last:
                continue
            intakes[centre] += 1
            statuses.setdefault(centre, Counter())[status] += 1
            topics.setdefault(centre, Counter()).update(categories)
    return {c: (intakes[c], dict(sorted(statuses[c].items())), dict(sorted(topics[c].items()))) for c in intakes}


async def test_downgrade_removes_the_counts_and_upgrade_fills_them_from_the_rows(
    database: Database, db_url: str
) -> None:
    rng = random.Random(7)
    async with database.session() as session:
        await session.execute(insert(Intake), [intake(rng, at) for at in EDGES * 5])
        await session.commit()
    await database.dispose()  # the migration takes locks on intake: no idle connection of ours in its way
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "h14_queue_created")
    async with database.session() as session:
        assert await session.scalar(text("SELECT to_regclass('intake_month_count')")) is None
        assert (
            await session.scalar(
                text("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'intake'::regclass AND NOT tgisinternal")
            )
            == 0
        )
        await session.execute(insert(Intake), [intake(rng, at) for at in EDGES])  # written with no counts kept
        await session.commit()
    await database.dispose()
    await asyncio.to_thread(upgrade, db_url)
    await assert_exact(database)
    assert sum(i for i, _ in (await kept(database)).values()) > 0
