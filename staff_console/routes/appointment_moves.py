"""Moving an appointment to another free time (same centre and service), from the appointments list or the person
page. The free times come from core.booking; the move itself (core.booking.moves) runs in the booking transaction
with the same no-double-booking guarantees as a booking. The citizen gets the structured notice of a move (which
appointment, from when to when, buttons), the mediator who booked the visit is told; the move is audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from core.appointment_notices import MOVED, notify_staff_change
from core.booking.errors import AlreadyBooked, AlreadyCancelled, AlreadyPast, BookingError, NotBookable, SlotTaken
from core.booking.moves import move_appointment, move_choices, move_days
from core.booking.slots import local_day
from core.booking.tx import booking_write
from core.db import Database
from core.handoff import MAX_TEXT
from core.models import Centre, Citizen
from core.models.booking import BOOKED
from staff_console.access import CurrentViewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.dates import parse_day
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound
from staff_console.routes.appointments import scoped_appointment
from staff_console.routes.common import protected_router, text_field
from staff_console.web import render

router = protected_router()
# Why a move was refused: texts are the catalogue's "moves.<code>"; nothing changed in any of these cases.
REFUSALS: dict[type[BookingError], str] = {
    SlotTaken: "taken",
    AlreadyBooked: "already_booked",
    NotBookable: "not_bookable",
    AlreadyPast: "past",
    AlreadyCancelled: "already",
}
ERRORS = (*REFUSALS.values(), "choose")
BACK = ("person", "list")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _form_url(appointment_id: int, day: str, back: str, error: str | None = None) -> str:
    day = day if _DAY.match(day) else ""  # only a plain date goes back into the address
    query = f"day={day}&back={back if back in BACK else 'person'}" + (f"&error={error}" if error else "")
    return f"/appointments/{appointment_id}/move?{query}"


@router.get("/appointments/{appointment_id}/move", name="appointments.move_form")
async def move_form(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    now: Now,
    appointment_id: int,
    day: str = "",
    back: str = "person",
    error: str | None = None,
) -> Response:
    appointment = await scoped_appointment(session, viewer, appointment_id)
    citizen = await session.get(Citizen, appointment.citizen_id)
    centre = await session.get(Centre, appointment.centre_id)
    chosen = parse_day(day, max(local_day(appointment.starts_at), local_day(now)))
    movable = appointment.status == BOOKED and appointment.starts_at > now
    slots = await move_choices(session, appointment, day=chosen, now=now) if movable else []
    days = await move_days(session, appointment, now=now) if movable else []
    # The page names the citizen: a view of a personal record.
    viewer.audit(session, "view", "appointment", str(appointment.id))
    await session.commit()
    return render(
        request,
        "appointment_move.html",
        viewer=viewer,
        appointment=appointment,
        citizen=citizen,
        centre_name=centre.name_el if centre else appointment.centre_id,
        day=chosen,
        prev_day=(chosen - timedelta(days=1)).isoformat(),
        next_day=(chosen + timedelta(days=1)).isoformat(),
        slots=slots,
        days=days,
        movable=movable,
        back=back if back in BACK else "person",
        error=t(f"moves.{error}") if error in ERRORS else None,
        max_text=MAX_TEXT,
    )


def _starts_at(value: str) -> datetime | None:
    """The chosen time as the form sent it (an ISO UTC instant we put there); anything else is no choice."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


@router.post("/appointments/{appointment_id}/move", name="appointments.move")
async def move_submit(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, appointment_id: int
) -> Response:
    back = text_field(form, "back", limit=10)
    day = text_field(form, "day", limit=10)
    starts_at = _starts_at(text_field(form, "starts_at", limit=40))
    message = text_field(form, "message", limit=MAX_TEXT)
    await scoped_appointment(session, viewer, appointment_id)  # outside the viewer's centres: 404, nothing changes
    await session.commit()  # the move runs in its own booking transaction (the SQLite write lock is one)
    if starts_at is None:
        return RedirectResponse(_form_url(appointment_id, day, back, "choose"), status_code=303)
    db: Database = request.app.state.db
    try:
        async with booking_write(db) as write:
            appointment = await scoped_appointment(write, viewer, appointment_id)
            _old, new = await move_appointment(
                write,
                appointment_id=appointment.id,
                centre_id=appointment.centre_id,
                starts_at=starts_at,
                now=now,
                actor_kind=viewer.role,
                actor_id=viewer.actor,
            )
            await notify_staff_change(write, new, change=MOVED, message=message, now=now)
            citizen_id, new_id, new_day = new.citizen_id, new.id, local_day(new.starts_at).isoformat()
    except tuple(REFUSALS) as exc:
        code = next(code for kind, code in REFUSALS.items() if isinstance(exc, kind))
        return RedirectResponse(_form_url(appointment_id, day, back, code), status_code=303)
    except BookingError as exc:
        raise NotFound() from exc
    if back == "list":
        return RedirectResponse(f"/appointments?day={new_day}&notice=moved", status_code=303)
    return RedirectResponse(f"/citizens/{citizen_id}?notice=moved#appointment-{new_id}", status_code=303)
