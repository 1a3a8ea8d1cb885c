"""What the programme reports, per centre, for a month or any range of days (Europe/Athens):

- unique citizens served: distinct citizens with an intake created, a conversation opened or an appointment
  attended in the period (once per centre whatever they did);
- appointments booked (created in the period, waiting-list holds not counted until taken), attended and no-show
  (by the day of the visit), cancelled (by the day of the cancellation);
- requests (intakes) created in the period, by topic (an intake with two topics counts in both) and by status now;
- median time to the first staff answer in conversations opened in the period (from the citizen's first message,
  or the opening when there was none before the answer), and how many are still unanswered;
- waiting-list offers made in the period, and how many the citizen took.
Restricted records (kept after /forget) still count: they are facts about the service, not about a person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, func, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from core.intake_counts import bounds, intake_counts
from core.models.booking import ATTENDED, CANCELLED, HELD, NO_SHOW, Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation, HandoffMessage
from core.models.intake import Intake
from core.models.media import Attachment

# Every figure of a centre's row, in the order the page and the CSV show them; all but the median add up.
FIGURES = (
    "citizens_served",
    "appointments_booked",
    "attended",
    "no_show",
    "cancelled",
    "intakes",
    "conversations",
    "answered",
    "median_first_response_minutes",
    "offers",
    "offers_accepted",
    "voice_notes",
    "photos",
    "documents",
)
ADDITIVE = tuple(name for name in FIGURES if name != "median_first_response_minutes")


@dataclass
class CentrePeriod:
    centre_id: str
    citizens_served: int = 0
    appointments_booked: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    intakes: int = 0
    intakes_by_category: dict[str, int] = field(default_factory=dict)
    intakes_by_status: dict[str, int] = field(default_factory=dict)
    conversations: int = 0
    answered: int = 0
    median_first_response_minutes: float | None = None
    offers: int = 0
    offers_accepted: int = 0
    # Files citizens sent with a request or to staff, kept for the centre (issue 13).
    voice_notes: int = 0
    photos: int = 0
    documents: int = 0


async def period_report(
    session: AsyncSession, *, first: date, last: date, centre_ids: Collection[str] | None = None
) -> list[CentrePeriod]:
    """One row per centre with any activity in [first, last] (limited to `centre_ids` when given), by centre id."""
    start, end = bounds(first, last)
    rows: dict[str, CentrePeriod] = {}
    citizens_served: dict[str, int] = {}

    def row(centre_id: object) -> CentrePeriod:
        return rows.setdefault(str(centre_id), CentrePeriod(str(centre_id)))

    def scoped(column: Any) -> ColumnElement[bool]:
        return column.in_(sorted(centre_ids)) if centre_ids is not None else column.is_not(None)

    if session.get_bind().dialect.name == "postgresql":
        await _plan_for_period(session)
    # Counted in the database (GROUP BY, or PostgreSQL's monthly counts), never by reading intakes into Python.
    in_period = (Intake.created_at >= start, Intake.created_at < end, scoped(Intake.centre_id))
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    # Only what counts something: PostgreSQL's monthly counts keep rows that went back to 0.
    for in_centre, in_status, topic, intakes, mentions in await intake_counts(session, first, last, scoped):
        if intakes:
            row(in_centre).intakes += intakes
            statuses[in_centre][in_status] += intakes
        if mentions:
            categories[in_centre][str(topic)] += mentions

    for centre, status, held_until in (
        await session.execute(
            select(Appointment.centre_id, Appointment.status, Appointment.hold_expires_at).where(
                Appointment.created_at >= start, Appointment.created_at < end, scoped(Appointment.centre_id)
            )
        )
    ).all():
        if status != HELD and not (status in ("expired",) and held_until is not None):
            row(centre).appointments_booked += 1
    for centre, status, count in (
        await session.execute(
            select(Appointment.centre_id, Appointment.status, func.count())
            .where(
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
                Appointment.status.in_((ATTENDED, NO_SHOW)),
                scoped(Appointment.centre_id),
            )
            .group_by(Appointment.centre_id, Appointment.status)
        )
    ).all():
        if status == ATTENDED:
            row(centre).attended += int(count)
        else:
            row(centre).no_show += int(count)
    for centre, count in (
        await session.execute(
            select(Appointment.centre_id, func.count())
            .where(
                Appointment.status == CANCELLED,
                Appointment.cancelled_at >= start,
                Appointment.cancelled_at < end,
                scoped(Appointment.centre_id),
            )
            .group_by(Appointment.centre_id)
        )
    ).all():
        row(centre).cancelled += int(count)

    await _conversations(session, start, end, scoped, row)
    # Each (centre, citizen) pair once: count(DISTINCT) over all three sources sorts the pairs within the report's
    # work_mem, 10–15 % faster than a UNION's hash then count(*) for a year's ~52,000 pairs (appointments always
    # have a citizen; the other two sources leave out rows without one, as a UNION did).
    served = union_all(
        select(Intake.centre_id.label("centre"), Intake.citizen_id.label("person")).where(
            *in_period, Intake.citizen_id.is_not(None)
        ),
        select(Appointment.centre_id, Appointment.citizen_id).where(
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status == ATTENDED,
            scoped(Appointment.centre_id),
        ),
        select(HandoffConversation.centre_id, HandoffConversation.citizen_id).where(
            HandoffConversation.opened_at >= start,
            HandoffConversation.opened_at < end,
            scoped(HandoffConversation.centre_id),
            HandoffConversation.citizen_id.is_not(None),
        ),
    ).subquery()
    for centre, count in (
        await session.execute(select(served.c.centre, func.count(served.c.person.distinct())).group_by(served.c.centre))
    ).all():
        citizens_served[str(centre)] = int(count)

    for centre, status in (
        await session.execute(
            select(WaitlistEntry.centre_id, WaitlistEntry.status).where(
                WaitlistEntry.offer_sent_at >= start, WaitlistEntry.offer_sent_at < end, scoped(WaitlistEntry.centre_id)
            )
        )
    ).all():
        row(centre).offers += 1
        if status == "booked":
            row(centre).offers_accepted += 1

    files = {"voice": "voice_notes", "photo": "photos", "pdf": "documents"}
    for file_centre, kind, count in (
        await session.execute(
            select(Attachment.centre_id, Attachment.kind, func.count())
            .where(Attachment.created_at >= start, Attachment.created_at < end, scoped(Attachment.centre_id))
            .group_by(Attachment.centre_id, Attachment.kind)
        )
    ).all():
        if kind in files:
            report_row = row(file_centre)
            setattr(report_row, files[kind], getattr(report_row, files[kind]) + int(count))
    for centre_id, report in rows.items():
        report.citizens_served = citizens_served.get(centre_id, 0)
        report.intakes_by_category = dict(sorted(categories[centre_id].items()))
        report.intakes_by_status = dict(sorted(statuses[centre_id].items()))
    return [rows[k] for k in sorted(rows)]


async def _plan_for_period(session: AsyncSession) -> None:
    """PostgreSQL, for this transaction, in one round trip:
    - a plan for these bounds, not a generic one (a prepared statement's generic plan guesses a range holds 0.5 %
      of the rows);
    - no parallel workers: whole months come from intake_month_count, so what is left to read is at most two
      partial months and the period's (centre, citizen) pairs, which a worker does not make faster on 2 cores
      (a year at 100,000 intakes: the same with or without; Feb 14 – Nov 20: 51–61 ms p50 without, 69–72 with;
      a worker started for a month's rows once cost 40–50 ms instead of 6–12);
    - work_mem 16MB: sorting a year's ~52,000 pairs for `count(DISTINCT …)` spilled to disk at the default 4MB;
    - no JIT (compiling took 150 ms on a 3-year range, more than it saved)."""
    await session.execute(
        text(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true), set_config('work_mem', '16MB', true)"
        )
    )


async def _conversations(session: AsyncSession, start: datetime, end: datetime, scoped: Any, row: Any) -> None:
    opened = (
        await session.execute(
            select(HandoffConversation.id, HandoffConversation.centre_id, HandoffConversation.opened_at).where(
                HandoffConversation.opened_at >= start,
                HandoffConversation.opened_at < end,
                scoped(HandoffConversation.centre_id),
            )
        )
    ).all()
    if not opened:
        return
    ids = [c[0] for c in opened]
    first_citizen: dict[int, datetime] = {}
    first_staff: dict[int, datetime] = {}
    for cid, sender, at in (
        await session.execute(
            select(HandoffMessage.conversation_id, HandoffMessage.sender, func.min(HandoffMessage.created_at))
            .where(HandoffMessage.conversation_id.in_(ids))
            .group_by(HandoffMessage.conversation_id, HandoffMessage.sender)
        )
    ).all():
        (first_staff if sender == "staff" else first_citizen)[cid] = at
    waits: dict[str, list[float]] = defaultdict(list)
    for cid, centre, opened_at in opened:
        report = row(centre)
        report.conversations += 1
        answer = first_staff.get(cid)
        if answer is None:
            continue
        report.answered += 1
        asked = first_citizen.get(cid)
        since = asked if asked is not None and asked <= answer else opened_at
        waits[str(centre)].append(max(0.0, (answer - since).total_seconds() / 60))
    for centre, values in waits.items():
        row(centre).median_first_response_minutes = round(median(values), 1)


def totals(report: list[CentrePeriod]) -> CentrePeriod:
    """All centres together (the median is not additive: it is left out of the total)."""
    total = CentrePeriod("")
    for r in report:
        for name in ADDITIVE:
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for key, value in r.intakes_by_category.items():
            total.intakes_by_category[key] = total.intakes_by_category.get(key, 0) + value
        for key, value in r.intakes_by_status.items():
            total.intakes_by_status[key] = total.intakes_by_status.get(key, 0) + value
    return total
