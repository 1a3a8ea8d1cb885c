"""Appointments per centre by day or week: mark attended / no-show, cancel with a message to the citizen."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Select, select

from core.appointment_notices import CANCELLED, notify_staff_change
from core.booking.errors import AlreadyCancelled, AlreadyPast, BookingError, NotBookable
from core.booking.service import cancel, mark_attendance
from core.centres import list_centres
from core.handoff import MAX_TEXT
from core.models import Citizen
from core.models.booking import ACTIVE_STATUSES, Appointment
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.dates import parse_day
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import ATHENS, render

router = protected_router()
ERRORS = ("not_yet", "past", "already", "message")  # texts: catalogue "appointments.<code>"


def scoped_appointments(viewer: Viewer) -> Select[Appointment]:
    query = select(Appointment)
    if viewer.centre_ids is not None:
        query = query.where(Appointment.centre_id.in_(sorted(viewer.centre_ids)))
    return query


async def scoped_appointment(session: DbSession, viewer: Viewer, appointment_id: int) -> Appointment:
    found = await session.scalar(scoped_appointments(viewer).where(Appointment.id == appointment_id).with_for_update())
    if found is None:
        raise NotFound()
    return found


def _day(value: str, now: datetime) -> date:
    return parse_day(value, now.astimezone(ATHENS).date())


@router.get("/appointments", name="appointments.list")
async def appointments_list(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    now: Now,
    day: str = "",
    view: str = "day",
    centre: str = "",
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    first = _day(day, now)
    week = view == "week"
    if week:
        first -= timedelta(days=first.weekday())
    last = first + timedelta(days=7 if week else 1)
    start = datetime.combine(first, datetime.min.time(), ATHENS)
    end = datetime.combine(last, datetime.min.time(), ATHENS)
    centres = {c.id: c.name_el for c in await list_centres(session) if viewer.sees_centre(c.id)}
    query = scoped_appointments(viewer).where(Appointment.starts_at >= start, Appointment.starts_at < end)
    if centre not in centres:
        centre = ""  # an unknown value (or one outside the viewer's scope) is no filter, and is never stored
    if centre:
        query = query.where(Appointment.centre_id == centre)
    rows = (
        await session.execute(
            query.add_columns(Citizen.name, Citizen.phone, Citizen.unreachable_at)
            .join(Citizen, Citizen.id == Appointment.citizen_id)
            .order_by(Appointment.starts_at, Appointment.centre_id, Appointment.id)
        )
    ).all()
    # The list shows names and phones: one audit event per list viewed (which day, which centre, how many).
    viewer.audit(
        session,
        "view",
        "appointments",
        f"{centre or 'all'}:{first.isoformat()}",
        {"view": "week" if week else "day", "count": len(rows)},
    )
    await session.commit()
    step = timedelta(days=7 if week else 1)
    return render(
        request,
        "appointments.html",
        viewer=viewer,
        rows=rows,
        centres=centres,
        centre=centre,
        first=first,
        last=last - timedelta(days=1),
        week=week,
        prev_day=(first - step).isoformat(),
        next_day=(first + step).isoformat(),
        now=now,
        notice=notice_of(notice),
        error=t(f"appointments.{error}") if error in ERRORS else None,
        active=ACTIVE_STATUSES,
        max_text=MAX_TEXT,
        can_write=viewer.may("appointments.cancel"),
        can_move=viewer.may("appointments.move"),
    )


_SAFE = re.compile(r"^[\w-]+$", re.ASCII)


def _back(request: Request, **params: str) -> RedirectResponse:
    # Back to the list the form was sent from (day, view, centre are plain values we put in the form).
    keep = {k: str(request.query_params.get(k, ""))[:20] for k in ("day", "view", "centre")}
    query = "&".join(f"{k}={v}" for k, v in {**keep, **params}.items() if v and _SAFE.match(v))
    return RedirectResponse(f"/appointments?{query}", status_code=303)


@router.post("/appointments/{appointment_id}/attendance", name="appointments.attendance")
async def appointment_attendance(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, appointment_id: int
) -> Response:
    appointment = await scoped_appointment(session, viewer, appointment_id)
    attended = text_field(form, "attended", limit=1) == "1"
    try:
        await mark_attendance(
            session,
            appointment_id=appointment.id,
            centre_id=appointment.centre_id,
            attended=attended,
            staff_id=viewer.user_id,
            now=now,
        )
    except NotBookable:
        await session.rollback()
        return _back(request, error="not_yet")
    except BookingError as exc:
        raise NotFound() from exc
    await session.commit()
    return _back(request, notice="saved")


@router.post("/appointments/{appointment_id}/cancel", name="appointments.cancel")
async def appointment_cancel(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, appointment_id: int
) -> Response:
    appointment = await scoped_appointment(session, viewer, appointment_id)
    message = text_field(form, "message", limit=MAX_TEXT)
    if not message:
        return _back(request, error="message")
    try:
        await cancel(
            session,
            appointment_id=appointment.id,
            now=now,
            centre_id=appointment.centre_id,
            actor_kind=viewer.role,
            actor_id=viewer.actor,
        )
    except AlreadyPast:
        await session.rollback()
        return _back(request, error="past")
    except AlreadyCancelled:
        await session.rollback()
        return _back(request, error="already")
    except BookingError as exc:
        raise NotFound() from exc
    # The citizen gets a structured notice (which appointment, the message, rebook buttons), the mediator who
    # booked the visit is told too: both delivered by the bot's outbox loop, exactly once.
    await notify_staff_change(session, appointment, change=CANCELLED, message=message, now=now)
    await session.commit()
    return _back(request, notice="cancelled")
