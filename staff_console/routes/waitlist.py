"""The waiting list (read): who waits for a seat on a full day, in order, per centre, service and day, with the
state of any offer. Scoped like appointments; viewing it is audited (it lists names and phones)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from core.centres import list_centres
from core.models import Citizen
from core.models.booking import Appointment, WaitlistEntry
from staff_console.access import CurrentViewer
from staff_console.dates import parse_day
from staff_console.deps import DbSession, Now
from staff_console.routes.common import protected_router
from staff_console.web import ATHENS, render

router = protected_router()
SHOWN = ("waiting", "offered")
DAYS = 28


@router.get("/waitlist", name="waitlist.list")
async def waitlist_list(
    request: Request, viewer: CurrentViewer, session: DbSession, now: Now, day: str = "", centre: str = ""
) -> Response:
    first = parse_day(day, now.astimezone(ATHENS).date())
    centres = {c.id: c.name_el for c in await list_centres(session) if viewer.sees_centre(c.id)}
    if centre not in centres:
        centre = ""
    query = (
        select(WaitlistEntry, Citizen.name, Citizen.phone, Appointment.hold_expires_at)
        .join(Citizen, Citizen.id == WaitlistEntry.citizen_id)
        .outerjoin(Appointment, Appointment.id == WaitlistEntry.hold_appointment_id)
        .where(
            WaitlistEntry.day >= first,
            WaitlistEntry.day < first + timedelta(days=DAYS),
            WaitlistEntry.status.in_(SHOWN),
        )
        .order_by(
            WaitlistEntry.day,
            WaitlistEntry.centre_id,
            WaitlistEntry.service,
            WaitlistEntry.created_at,
            WaitlistEntry.id,
        )
    )
    if viewer.centre_ids is not None:
        query = query.where(WaitlistEntry.centre_id.in_(sorted(viewer.centre_ids)))
    if centre:
        query = query.where(WaitlistEntry.centre_id == centre)
    rows = (await session.execute(query.limit(500))).all()
    viewer.audit(session, "view", "waitlist_entry", f"{centre or 'all'}:{first.isoformat()}", {"count": len(rows)})
    await session.commit()
    return render(
        request,
        "waitlist.html",
        viewer=viewer,
        rows=rows,
        centres=centres,
        centre=centre,
        first=first,
        last=first + timedelta(days=DAYS - 1),
    )
