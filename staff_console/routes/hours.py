"""Bookable hours, seats and closed days per centre and service (core.booking.schedule_changes does the work).

Staff change their own centres' (a parent centre its annex and unit too), admins every centre's and the closures
of all centres at once; coordinators read. A change that would affect a booking is refused and the bookings are
listed, linked to the day view where staff move or cancel them; for hours and seats staff may instead confirm that
exactly those bookings are kept. Listing them shows names and phones: one audited view per list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select

from core.booking.schedule_changes import (
    BookingsInTheWay,
    Hours,
    ScheduleError,
    add_closure,
    change_hours,
    check_numbers,
    parse_periods,
    remove_closure,
)
from core.booking.slots import WEEKDAYS
from core.booking.tx import booking_write
from core.centres import list_centres
from core.models import Citizen
from core.models.booking import Appointment, Availability, Closure
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import label, t
from staff_console.csrf import CheckedForm
from staff_console.dates import parse_day
from staff_console.deps import DbSession, Now
from staff_console.errors import BadRequest, NotFound
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import ATHENS, render

router = protected_router()
ALL = "all"  # the closure of every centre (admins only)


def _centre_choice(viewer: Viewer, centres: list[Any], wanted: str) -> str:
    mine = [c.id for c in centres if viewer.sees_centre(c.id)]
    if wanted in mine:
        return wanted
    if viewer.centre_id in mine:
        return str(viewer.centre_id)
    return mine[0] if mine else ""


async def _in_the_way(session: DbSession, viewer: Viewer, ids: list[int]) -> list[Any]:
    """The bookings a change would affect, with the citizen's name and phone (an audited view)."""
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Appointment, Citizen.name, Citizen.phone)
            .join(Citizen, Citizen.id == Appointment.citizen_id)
            .where(Appointment.id.in_(ids))
            .order_by(Appointment.starts_at, Appointment.id)
        )
    ).all()
    viewer.audit(session, "view", "appointments", "schedule-change", {"count": len(rows)})
    await session.commit()
    return [
        {
            "id": a.id,
            "starts_at": a.starts_at,
            "day": a.starts_at.astimezone(ATHENS).date().isoformat(),
            "centre_id": a.centre_id,
            "service": a.service,
            "status": a.status,
            "name": name,
            "phone": phone,
        }
        for a, name, phone in rows
    ]


async def _page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    now: datetime,
    *,
    centre: str,
    notice: str | None = None,
    error: str | None = None,
    conflict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    centres = await list_centres(session)
    centre = _centre_choice(viewer, centres, centre)
    names = {c.id: c.name_el for c in centres}
    services = (
        await session.scalars(select(Availability).where(Availability.centre_id == centre).order_by(Availability.id))
    ).all()
    today = now.astimezone(ATHENS).date()
    closures = (
        await session.scalars(
            select(Closure)
            .where(or_(Closure.centre_id == centre, Closure.centre_id.is_(None)), Closure.day >= today)
            .order_by(Closure.day, Closure.id)
        )
    ).all()
    return render(
        request,
        "hours.html",
        viewer=viewer,
        centres=[c for c in centres if viewer.sees_centre(c.id)],
        names=names,
        centre=centre,
        services=services,
        closures=closures,
        weekdays=WEEKDAYS,
        today=today,
        notice=notice_of(notice),
        error=error,
        conflict=conflict,
        can_write=viewer.may("hours.save"),
        status_code=status_code,
    )


@router.get("/hours", name="hours.view")
async def hours_view(
    request: Request, viewer: CurrentViewer, session: DbSession, now: Now, centre: str = "", notice: str | None = None
) -> Response:
    return await _page(request, viewer, session, now, centre=centre[:40], notice=notice)


def _hours_of(form: Any) -> Hours:
    weekly = {d: parse_periods(text_field(form, f"day_{d}", limit=200)) for d in WEEKDAYS}
    numbers = check_numbers(
        {n: text_field(form, n, limit=10) for n in ("slot_minutes", "seats", "window_days", "min_notice_hours")}
    )
    return Hours(
        weekly={d: p for d, p in weekly.items() if p},
        active=text_field(form, "active", limit=1) == "1",
        **numbers,
    )


def _keep_ids(form: Any) -> frozenset[int]:
    raw = text_field(form, "keep", limit=4000)
    return frozenset(int(x) for x in raw.split(",") if x.isdigit())


def _back(centre: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/hours?centre={centre}&notice={notice}", status_code=303)


def _schedule_error(error: ScheduleError) -> str:
    what = t(f"hours.error_{error.code}")
    return f"{label('hours_field', error.field)}: {what}" if error.field else what


@router.post("/hours", name="hours.save")
async def hours_save(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    centre, service = text_field(form, "centre", limit=40), text_field(form, "service", limit=40)
    if not centre:
        return await _page(request, viewer, session, now, centre="", error=t("hours.error_centre"), status_code=400)
    if not viewer.sees_centre(centre):
        raise NotFound()
    try:
        hours = _hours_of(form)
    except ScheduleError as exc:
        return await _page(request, viewer, session, now, centre=centre, error=_schedule_error(exc), status_code=400)
    await session.rollback()  # nothing to keep; on SQLite its open transaction would hold the write lock
    try:
        async with booking_write(request.app.state.db) as write:
            kept = await change_hours(
                write,
                centre_id=centre,
                service=service,
                hours=hours,
                now=now,
                keep=_keep_ids(form),
                actor_kind=viewer.role,
                actor_id=viewer.actor,
                actor_name=viewer.username,
            )
    except ScheduleError as exc:
        return await _page(request, viewer, session, now, centre=centre, error=_schedule_error(exc), status_code=400)
    except BookingsInTheWay as exc:
        conflict = {
            "kind": "hours",
            "service": service,
            "bookings": await _in_the_way(session, viewer, exc.appointment_ids),
            "keep": ",".join(str(i) for i in exc.appointment_ids),
            "form": {k: text_field(form, k, limit=200) for k in form if k not in ("csrf_token", "keep")},
        }
        return await _page(request, viewer, session, now, centre=centre, conflict=conflict, status_code=409)
    return _back(centre, "hours_kept" if kept else "saved")


@router.post("/closures", name="closures.add")
async def closures_add(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    centre = text_field(form, "centre", limit=40)
    every = text_field(form, "scope", limit=10) == ALL
    if not centre:
        return await _page(request, viewer, session, now, centre="", error=t("hours.error_centre"), status_code=400)
    if not viewer.sees_centre(centre) or (every and not viewer.is_admin):
        raise NotFound()
    today = now.astimezone(ATHENS).date()
    raw_day = text_field(form, "day", limit=10)
    try:
        day: date | None = parse_day(raw_day, today) if raw_day else None
    except BadRequest:  # a malformed date from the form: said on the page
        day = None
    if day is None:
        return await _page(request, viewer, session, now, centre=centre, error=t("hours.error_day"), status_code=400)
    await session.rollback()  # as in hours_save
    try:
        async with booking_write(request.app.state.db) as write:
            _, told = await add_closure(
                write,
                centre_id=None if every else centre,
                day=day,
                reason=text_field(form, "reason", limit=200) or None,
                now=now,
                actor_kind=viewer.role,
                actor_id=viewer.actor,
            )
    except ScheduleError as exc:
        return await _page(request, viewer, session, now, centre=centre, error=_schedule_error(exc), status_code=400)
    except BookingsInTheWay as exc:
        conflict = {"kind": "closure", "day": day, "bookings": await _in_the_way(session, viewer, exc.appointment_ids)}
        return await _page(request, viewer, session, now, centre=centre, conflict=conflict, status_code=409)
    return _back(centre, "closed_day_waiting" if told else "closed_day")


@router.post("/closures/{closure_id}/delete", name="closures.delete")
async def closures_delete(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, closure_id: int
) -> Response:
    closure = await session.get(Closure, closure_id)
    if closure is None:
        raise NotFound()
    # A closure of every centre is the admins'; a centre's, whoever's scope covers that centre.
    if not (viewer.is_admin if closure.centre_id is None else viewer.sees_centre(closure.centre_id)):
        raise NotFound()
    back = text_field(form, "centre", limit=40)
    await remove_closure(session, closure=closure, actor_kind=viewer.role, actor_id=viewer.actor)
    await session.commit()
    return _back(back if viewer.sees_centre(back) else (closure.centre_id or ""), "opened_day")
