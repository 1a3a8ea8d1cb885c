"""A period's intakes per centre, status and topic, for core.period_report.

On PostgreSQL a period's whole Athens months come from `intake_month_count`, which the database keeps by triggers
(migration h17_intake_month_count), and only its partial months from the intakes themselves: a year is then ~7,000
summary rows and no intake at all, instead of ~52,000 intakes and ~70,000 topic rows at 100,000 intakes. SQLite
(no time zone data in SQL, small sites) counts the rows for the whole period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.intake import Intake

ATHENS = ZoneInfo("Europe/Athens")
# Not an ORM model: the application never writes it, and it exists on PostgreSQL only (core.migrate leaves it out
# of the comparison with the models, and the tables that hold personal data are the models' alone).
INTAKE_MONTH_COUNT = Table(
    "intake_month_count",
    MetaData(),
    Column("month", Date, primary_key=True),  # the first day of an Athens month
    Column("centre_id", String(40), primary_key=True),
    Column("status", String(20), primary_key=True),
    Column("topic", Text, primary_key=True),  # '' on the row that counts the intakes without a topic
    Column("intakes", Integer, nullable=False),  # each intake once, on its first topic
    Column("mentions", Integer, nullable=False),  # each topic of each intake
)
# (centre, status, topic, intakes, topic mentions): each intake counted once per status, topics as mentioned.
Counts = list[tuple[str, str, str | None, int, int]]
Scope = Callable[[Any], ColumnElement[bool]]


def midnight(day: date) -> datetime:
    """The start of a day, Athens time."""
    return datetime.combine(day, datetime.min.time(), ATHENS)


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the first day's start to the end of the last day (inclusive), Athens time."""
    return midnight(first), midnight(last + timedelta(days=1))


def whole_months(first: date, last: date) -> tuple[date, date] | None:
    """The whole months within [first, last]: the first one's first day and the day after the last one, or None."""
    head = first if first.day == 1 else (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    tail = (last + timedelta(days=1)).replace(day=1)
    return (head, tail) if head < tail else None


async def intake_counts(session: AsyncSession, first: date, last: date, scoped: Scope) -> Counts:
    """Per centre, status and topic in [first, last]; a group may appear more than once (whole months, then the
    rest): the caller adds them up."""
    start, end = bounds(first, last)
    months = whole_months(first, last) if session.get_bind().dialect.name == "postgresql" else None
    if months is None:
        return await _from_rows(session, [(start, end)], scoped)
    head, tail = midnight(months[0]), midnight(months[1])
    monthly = INTAKE_MONTH_COUNT.c
    counted = (
        await session.execute(
            select(
                monthly.centre_id, monthly.status, monthly.topic, func.sum(monthly.intakes), func.sum(monthly.mentions)
            )
            .where(monthly.month >= months[0], monthly.month < months[1], scoped(monthly.centre_id))
            .group_by(monthly.centre_id, monthly.status, monthly.topic)
        )
    ).all()
    rest = [(a, b) for a, b in ((start, head), (tail, end)) if a < b]
    return [(c, s, t, int(i), int(m)) for c, s, t, i, m in counted] + (
        await _from_rows(session, rest, scoped) if rest else []
    )


async def _from_rows(session: AsyncSession, ranges: list[tuple[datetime, datetime]], scoped: Scope) -> Counts:
    in_ranges = or_(*(and_(Intake.created_at >= a, Intake.created_at < b) for a, b in ranges))
    rows = (await session.execute(_count_rows(session, (in_ranges, scoped(Intake.centre_id))))).all()
    return [(c, s, t, int(i), int(m)) for c, s, t, i, m in rows]


def _count_rows(session: AsyncSession, in_period: tuple[ColumnElement[bool], ...]) -> Select[Any]:
    """One pass over the period's intakes (PostgreSQL reads them from ix_intake_created alone): each intake joined
    to its topics, or to one empty row when it has none, grouped by centre, status and topic. Per group: how many
    intakes (an intake's first topic row, or its empty row, counts it once) and how many topic mentions (an
    intake with two topics counts in both)."""
    if session.get_bind().dialect.name == "postgresql":
        topic = func.jsonb_array_elements_text(Intake.categories).table_valued("value", with_ordinality="n")
        topic = topic.render_derived()
        position, first = topic.c.n, 1
    else:
        topic = func.json_each(Intake.categories).table_valued("value", "key")
        position, first = topic.c.key, 0
    return (
        select(
            Intake.centre_id,
            Intake.status,
            topic.c.value,
            func.count().filter(or_(position.is_(None), position == first)),
            func.count(position),
        )
        .select_from(Intake)
        .outerjoin(topic, true())
        .where(*in_period)
        .group_by(Intake.centre_id, Intake.status, topic.c.value)
    )
