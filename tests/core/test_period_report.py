"""core.period_report counts intakes in the database (one GROUP BY pass over each intake's topics): checked
against the same figures worked out in Python from the rows themselves, on SQLite and PostgreSQL — per centre,
status and topic, unique citizens, Athens month boundaries, intakes without a topic, and a report limited to
some centres."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.db import Database
from core.models import Citizen
from core.models.booking import ATTENDED, BOOKED, NO_SHOW, Appointment
from core.models.handoff import HandoffConversation
from core.models.intake import INTAKE_STATUSES, Intake
from core.period_report import CentrePeriod, period_report, totals

ATHENS = ZoneInfo("Europe/Athens")
CENTRES = ("kk-kozani", "kk-kastoria", "kk-florina", "annex-roma-kastoria")
TOPICS = ("ask_housing", "ask_food_aid", "ask_energy_bills", "ask_min_income", "other")
# Around the Athens month boundaries (EET, UTC+2 in winter): the first two are in November there, the last in
# December, although all three fall on another day in UTC.
EDGES = (
    datetime(2026, 10, 31, 22, 30, tzinfo=UTC),
    datetime(2026, 11, 30, 21, 59, 59, tzinfo=UTC),
    datetime(2026, 11, 30, 22, 0, tzinfo=UTC),
)


def expected(
    rows: list[tuple[str | None, str, list[str], int | None, datetime]],
    first: date,
    last: date,
    centres: set[str] | None = None,
) -> dict[str, tuple[int, dict[str, int], dict[str, int], int]]:
    """Per centre: (intakes, by status, by topic, unique citizens), from the rows as inserted."""
    intakes: Counter[str] = Counter()
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    topics: dict[str, Counter[str]] = defaultdict(Counter)
    people: dict[str, set[int]] = defaultdict(set)
    for centre, status, categories, citizen, created in rows:
        if centre is None or (centres is not None and centre not in centres):
            continue
        if not first <= created.astimezone(ATHENS).date() <= last:
            continue
        intakes[centre] += 1
        statuses[centre][status] += 1
        topics[centre].update(categories)
        if citizen is not None:
            people[centre].add(citizen)
    return {
        c: (intakes[c], dict(sorted(statuses[c].items())), dict(sorted(topics[c].items())), len(people[c]))
        for c in intakes
    }


def figures(report: list[CentrePeriod]) -> dict[str, tuple[int, dict[str, int], dict[str, int], int]]:
    return {r.centre_id: (r.intakes, r.intakes_by_status, r.intakes_by_category, r.citizens_served) for r in report}


async def test_intake_counts_match_the_rows_on_both_databases(database: Database) -> None:
    rng = random.Random(14)
    rows: list[tuple[str | None, str, list[str], int | None, datetime]] = []
    async with database.session() as session:
        citizens = [Citizen(telegram_id=1000 + i) for i in range(40)]
        session.add_all(citizens)
        await session.flush()
        start = datetime(2026, 10, 20, tzinfo=UTC)
        moments = [start + timedelta(minutes=rng.randrange(0, 60 * 24 * 55)) for _ in range(300)] + list(EDGES)
        for i, created in enumerate(moments):
            centre = None if i % 37 == 0 else rng.choice(CENTRES)  # no known centre yet: left out of reports
            categories = [] if i % 23 == 0 else rng.sample(TOPICS, rng.choice((1, 1, 2)))  # [] : an old record
            citizen = None if i % 11 == 0 else rng.choice(citizens).id  # None: forgotten, the fact kept
            status = rng.choice(INTAKE_STATUSES)
            rows.append((centre, status, categories, citizen, created))
            session.add(
                Intake(
                    centre_id=centre,
                    citizen_id=citizen,
                    status=status,
                    categories=categories,
                    created_at=created,
                    updated_at=created,
                )
            )
        await session.commit()

    november = (date(2026, 11, 1), date(2026, 11, 30))
    some_days = (date(2026, 11, 15), date(2026, 12, 3))
    async with database.session() as session:
        whole = await period_report(session, first=november[0], last=november[1])
        ranged = await period_report(session, first=some_days[0], last=some_days[1])
        two = await period_report(session, first=november[0], last=november[1], centre_ids={"kk-kozani", "kk-florina"})
        december = await period_report(session, first=date(2026, 12, 1), last=date(2026, 12, 31))
        october = await period_report(session, first=date(2026, 10, 1), last=date(2026, 10, 31))
        years = await period_report(session, first=date(2025, 1, 1), last=date(2027, 12, 31))  # a long period's plan

    assert figures(whole) == expected(rows, *november)
    assert figures(ranged) == expected(rows, *some_days)
    assert figures(two) == expected(rows, *november, {"kk-kozani", "kk-florina"})
    assert {r.centre_id for r in two} == {"kk-kozani", "kk-florina"}
    assert figures(december) == expected(rows, date(2026, 12, 1), date(2026, 12, 31))
    assert figures(years) == expected(rows, date(2025, 1, 1), date(2027, 12, 31))
    # Every intake with a centre is in exactly one month; an intake without a topic still counts as an intake.
    with_centre = sum(1 for r in rows if r[0] is not None)
    assert sum(totals(report).intakes for report in (october, whole, december)) == with_centre
    assert sum(sum(r.intakes_by_status.values()) for r in whole) == totals(whole).intakes
    assert sum(totals(whole).intakes_by_category.values()) == sum(
        len(r[2]) for r in rows if r[0] is not None and november[0] <= r[4].astimezone(ATHENS).date() <= november[1]
    )


async def test_month_boundaries_are_athens_days(database: Database) -> None:
    async with database.session() as session:
        for created, topics in zip(EDGES, (["ask_housing"], ["ask_food_aid", "ask_housing"], ["other"]), strict=True):
            session.add(
                Intake(centre_id="kk-kozani", status="new", categories=topics, created_at=created, updated_at=created)
            )
        await session.commit()
    async with database.session() as session:
        (november,) = await period_report(session, first=date(2026, 11, 1), last=date(2026, 11, 30))
        (december,) = await period_report(session, first=date(2026, 12, 1), last=date(2026, 12, 31))
        assert await period_report(session, first=date(2026, 10, 1), last=date(2026, 10, 31)) == []
    assert (november.intakes, november.intakes_by_category) == (2, {"ask_food_aid": 1, "ask_housing": 2})
    assert (december.intakes, december.intakes_by_category, december.intakes_by_status) == (1, {"other": 1}, {"new": 1})


async def test_unique_citizens_across_intakes_conversations_and_visits(database: Database) -> None:
    """Once per centre whatever they did (intake, conversation opened, visit attended); a booked or missed visit,
    a conversation without a known citizen or anything outside the period does not count."""
    at = datetime(2026, 11, 10, 9, tzinfo=UTC)
    async with database.session() as session:
        people = [Citizen(telegram_id=5000 + i) for i in range(6)]
        session.add_all(people)
        await session.flush()
        a, b, c, d, e, f = (p.id for p in people)
        session.add_all(
            [
                Intake(centre_id="kk-kozani", citizen_id=a, categories=[], created_at=at, updated_at=at),
                Intake(centre_id="kk-kozani", citizen_id=a, categories=[], created_at=at, updated_at=at),
                Intake(centre_id="kk-florina", citizen_id=a, categories=[], created_at=at, updated_at=at),
                Intake(centre_id="kk-kozani", citizen_id=f, categories=[], created_at=at - timedelta(days=30)),
                HandoffConversation(centre_id="kk-kozani", citizen_id=a, opened_at=at),
                HandoffConversation(centre_id="kk-kozani", citizen_id=b, opened_at=at),
                HandoffConversation(centre_id="kk-kozani", citizen_id=None, opened_at=at),
            ]
        )
        for n, (person, status) in enumerate(((a, ATTENDED), (b, ATTENDED), (c, ATTENDED), (d, NO_SHOW), (e, BOOKED))):
            session.add(
                Appointment(
                    centre_id="kk-kozani",
                    service="social_worker",
                    starts_at=at + timedelta(hours=n),
                    ends_at=at + timedelta(hours=n, minutes=30),
                    seat=1,
                    citizen_id=person,
                    status=status,
                    created_at=at,
                )
            )
        await session.commit()
    async with database.session() as session:
        report = await period_report(session, first=date(2026, 11, 1), last=date(2026, 11, 30))
    assert {r.centre_id: r.citizens_served for r in report} == {"kk-florina": 1, "kk-kozani": 3}  # a, b, c; a
