"""Monthly figures per centre for the programme's funder (issue 7, "Reports").

For a calendar month (Europe/Athens) and each centre:
- unique citizens served: distinct citizens with an intake created, a handoff conversation opened or an
  appointment attended in the month (a person counts once per centre whatever they did);
- visits: appointments attended (the programme's "sessions" indicator); missed: no-shows;
- intakes created in the month, by category (an intake with two categories counts in both) and by status now;
- files citizens sent (voice notes, photos, PDFs) kept with a request or a conversation, by kind.
Restricted records (kept after /forget) still count: they are facts about the service, not about a person.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.booking import ATTENDED, NO_SHOW, Appointment
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from core.models.media import Attachment

ATHENS = ZoneInfo("Europe/Athens")


@dataclass
class CentreMonth:
    centre_id: str
    citizens_served: int = 0
    visits: int = 0
    missed: int = 0
    intakes: int = 0
    intakes_by_category: dict[str, int] = field(default_factory=dict)
    intakes_by_status: dict[str, int] = field(default_factory=dict)
    files_by_kind: dict[str, int] = field(default_factory=dict)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and next month's first instant, Athens time (aware)."""
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (
        datetime.combine(first, datetime.min.time(), ATHENS),
        datetime.combine(following, datetime.min.time(), ATHENS),
    )


async def monthly_report(
    session: AsyncSession, *, month: date, centre_ids: Collection[str] | None = None
) -> list[CentreMonth]:
    """One row per centre with any activity in the month (limited to `centre_ids` when given), by centre id."""
    start, end = month_bounds(month)
    rows: dict[str, CentreMonth] = {}
    citizens: dict[str, set[int]] = defaultdict(set)

    def row(centre_id: str) -> CentreMonth:
        return rows.setdefault(centre_id, CentreMonth(centre_id))

    def scoped(column: Any) -> ColumnElement[bool]:
        return column.in_(sorted(centre_ids)) if centre_ids is not None else column.is_not(None)

    intakes = await session.execute(
        select(Intake.centre_id, Intake.citizen_id, Intake.categories, Intake.status).where(
            Intake.created_at >= start, Intake.created_at < end, scoped(Intake.centre_id)
        )
    )
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    for centre, citizen_id, cats, status in intakes.all():
        centre_id = str(centre)
        row(centre_id).intakes += 1
        categories[centre_id].update(cats or [])
        statuses[centre_id][status] += 1
        if citizen_id is not None:
            citizens[centre_id].add(citizen_id)

    visits = await session.execute(
        select(Appointment.centre_id, Appointment.status, Appointment.citizen_id).where(
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status.in_((ATTENDED, NO_SHOW)),
            scoped(Appointment.centre_id),
        )
    )
    for centre_id, status, citizen_id in visits.all():
        if status == ATTENDED:
            row(centre_id).visits += 1
            citizens[centre_id].add(citizen_id)
        else:
            row(centre_id).missed += 1

    talks = await session.execute(
        select(HandoffConversation.centre_id, HandoffConversation.citizen_id).where(
            HandoffConversation.opened_at >= start,
            HandoffConversation.opened_at < end,
            scoped(HandoffConversation.centre_id),
        )
    )
    for centre, citizen_id in talks.all():
        centre_id = str(centre)
        row(centre_id)
        if citizen_id is not None:
            citizens[centre_id].add(citizen_id)

    files: dict[str, Counter[str]] = defaultdict(Counter)
    kept = await session.execute(
        select(Attachment.centre_id, Attachment.kind, func.count())
        .where(Attachment.created_at >= start, Attachment.created_at < end, scoped(Attachment.centre_id))
        .group_by(Attachment.centre_id, Attachment.kind)
    )
    for centre, kind, count in kept.all():
        row(str(centre))
        files[str(centre)][kind] += int(count)

    for centre_id, report in rows.items():
        report.files_by_kind = dict(sorted(files[centre_id].items()))
        report.citizens_served = len(citizens[centre_id])
        report.intakes_by_category = dict(sorted(categories[centre_id].items()))
        report.intakes_by_status = dict(sorted(statuses[centre_id].items()))
    return [rows[k] for k in sorted(rows)]


async def first_activity_month(session: AsyncSession) -> date | None:
    first = await session.scalar(select(func.min(Intake.created_at)))
    return first.astimezone(ATHENS).date().replace(day=1) if first else None


CSV_COLUMNS = (
    "month",
    "centre_id",
    "centre",
    "citizens_served",
    "visits",
    "appointments_missed",
    "intakes",
    "intakes_by_status",
    "intakes_by_category",
    "files_by_kind",
)


def to_csv(month: date, report: list[CentreMonth], names: dict[str, str]) -> str:
    """CSV (UTF-8, comma-separated; counts per status/category as `key=n; key=n`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in report:
        writer.writerow(
            [
                month.strftime("%Y-%m"),
                r.centre_id,
                names.get(r.centre_id, r.centre_id),
                r.citizens_served,
                r.visits,
                r.missed,
                r.intakes,
                "; ".join(f"{k}={v}" for k, v in r.intakes_by_status.items()),
                "; ".join(f"{k}={v}" for k, v in r.intakes_by_category.items()),
                "; ".join(f"{k}={v}" for k, v in r.files_by_kind.items()),
            ]
        )
    return out.getvalue()
