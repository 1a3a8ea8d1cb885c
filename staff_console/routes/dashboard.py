"""The start page: what needs attention in the viewer's centres (new and urgent intakes, today's appointments,
open conversations), as counts linking to the pages that list them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from core.models import Centre
from core.models.booking import ACTIVE_STATUSES, Appointment
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.deps import DbSession, Now
from staff_console.intake_queue import scoped
from staff_console.routes.common import notice_of, protected_router
from staff_console.web import ATHENS, render

router = protected_router()


async def _count(session: DbSession, query: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def cards(session: DbSession, viewer: Viewer, now: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if viewer.may("intakes.list"):
        new = scoped(viewer).where(Intake.status == "new")
        urgent = scoped(viewer).where(Intake.urgent.is_(True), Intake.status != "closed")
        out.append(
            {"label": t("dashboard.new_intakes"), "count": await _count(session, new), "href": "/intakes?status=new"}
        )
        out.append(
            {
                "label": t("dashboard.urgent_open"),
                "count": await _count(session, urgent),
                "urgent": True,
                "href": "/intakes?urgent=1",
            }
        )
    if viewer.may("appointments.list"):
        day = now.astimezone(ATHENS).date()
        start = datetime.combine(day, datetime.min.time(), ATHENS)
        today = select(Appointment.id).where(
            Appointment.starts_at >= start,
            Appointment.starts_at < start + timedelta(days=1),
            Appointment.status.in_((*ACTIVE_STATUSES, "attended", "no_show")),
        )
        if viewer.centre_ids is not None:
            today = today.where(Appointment.centre_id.in_(sorted(viewer.centre_ids)))
        out.append(
            {"label": t("dashboard.appointments_today"), "count": await _count(session, today), "href": "/appointments"}
        )
    if viewer.may("conversations.list"):
        talks = select(HandoffConversation.id).where(HandoffConversation.status == "open")
        if viewer.centre_ids is not None:
            talks = talks.where(HandoffConversation.centre_id.in_(sorted(viewer.centre_ids)))
        out.append(
            {
                "label": t("dashboard.open_conversations"),
                "count": await _count(session, talks),
                "href": "/conversations",
            }
        )
    return out


@router.get("/", name="dashboard")
async def dashboard(
    request: Request, viewer: CurrentViewer, session: DbSession, now: Now, notice: str | None = None
) -> Response:
    centre = await session.get(Centre, viewer.centre_id) if viewer.centre_id else None
    return render(
        request,
        "dashboard.html",
        viewer=viewer,
        notice=notice_of(notice),
        centre_name=centre.name_el if centre else None,
        cards=await cards(session, viewer, now),
        sections=[],
    )
