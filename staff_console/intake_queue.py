"""The intake queue as the console shows it: scoped to the viewer, filtered, sorted, one page at a time.

core.intake.list_intakes_for_centre serves one centre; the console also needs every centre (admins,
coordinators), a mediator's own intakes, filters and a total for paging, so the query is built here, always
starting from the viewer's scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, TextClause, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.console import IntakeAssignment
from core.models.intake import INTAKE_STATUSES, Intake
from staff_console.access import Viewer

SORTS = ("urgent", "oldest", "newest")  # labels: catalogue "sort"
ASSIGNED = ("", "me", "none")  # labels: catalogue "assigned"
# Counting every intake in scope costs a full scan; past this many the page says "more than" instead.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    category: str = ""
    urgent_only: bool = False
    assigned: str = ""
    centre_id: str = ""
    sort: str = "urgent"

    @classmethod
    def parse(cls, *, status: str, category: str, urgent: str, assigned: str, centre: str, sort: str) -> QueueFilter:
        """Unknown values fall back to 'no filter' rather than failing: a bookmarked link never breaks."""
        return cls(
            status=status if status in INTAKE_STATUSES else "",
            category=category[:40],
            urgent_only=urgent == "1",
            assigned=assigned if assigned in ASSIGNED else "",
            centre_id=centre[:40],
            sort=sort if sort in SORTS else "urgent",
        )


def scoped(viewer: Viewer) -> Select[Intake]:
    """Every intake query of the console starts here. Restricted records (kept only because the law says so)
    are never work items."""
    query = select(Intake).where(Intake.restricted_at.is_(None))
    if viewer.is_mediator:
        return query.where(Intake.created_by_staff_id == viewer.user_id)
    if viewer.centre_ids is not None:
        query = query.where(Intake.centre_id.in_(sorted(viewer.centre_ids)))
    return query


def filtered(viewer: Viewer, qf: QueueFilter) -> Select[Intake]:
    query = scoped(viewer)
    if qf.status:
        query = query.where(Intake.status == qf.status)
    if qf.urgent_only:
        query = query.where(Intake.urgent.is_(True))
    if qf.centre_id:
        query = query.where(Intake.centre_id == qf.centre_id)
    if qf.assigned == "me":
        query = query.where(
            Intake.id.in_(select(IntakeAssignment.intake_id).where(IntakeAssignment.staff_user_id == viewer.user_id))
        )
    elif qf.assigned == "none":
        query = query.where(Intake.id.not_in(select(IntakeAssignment.intake_id)))
    return query


def category_clause(dialect: str, category: str) -> TextClause:
    """`categories` (a JSON list) contains `category`: JSONB containment on PostgreSQL, json_each on SQLite."""
    if dialect == "postgresql":
        return text("intake.categories @> CAST(:category AS jsonb)").bindparams(category=json.dumps([category]))
    return text("EXISTS (SELECT 1 FROM json_each(intake.categories) AS c WHERE c.value = :category)").bindparams(
        category=category
    )


async def queue_page(
    session: AsyncSession, viewer: Viewer, qf: QueueFilter, *, page: int, page_size: int
) -> tuple[list[Intake], int]:
    """One page of the queue and the total (at most COUNT_CAP + 1: "more than COUNT_CAP"), paged in the database."""
    query = filtered(viewer, qf)
    if qf.category:
        query = query.where(category_clause(session.get_bind().dialect.name, qf.category))
    order: list[Any]
    if qf.sort == "newest":
        order = [Intake.created_at.desc(), Intake.id.desc()]
    elif qf.sort == "oldest":
        order = [Intake.created_at, Intake.id]
    else:
        # urgent DESC (true first on both databases) rather than a CASE: an index on the columns can serve it.
        order = [Intake.urgent.desc(), Intake.created_at, Intake.id]
    capped = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    total = await session.scalar(select(func.count()).select_from(capped)) or 0
    rows = list((await session.scalars(query.order_by(*order).limit(page_size).offset((page - 1) * page_size))).all())
    return rows, int(total)


async def assignees(session: AsyncSession, intake_ids: list[int]) -> dict[int, int]:
    if not intake_ids:
        return {}
    rows = await session.execute(
        select(IntakeAssignment.intake_id, IntakeAssignment.staff_user_id).where(
            IntakeAssignment.intake_id.in_(intake_ids)
        )
    )
    return {intake_id: staff_id for intake_id, staff_id in rows.all()}
