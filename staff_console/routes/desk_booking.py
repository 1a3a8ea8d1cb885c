"""Booking by staff for a citizen at the desk or on the phone.

The citizen agrees orally (recorded as `consent_kind="oral"`), the staff account is the booker
(`booked_by_kind="staff"`), and the booking goes through the same `core.booking.service.book` as the bot's, in the
same serialised write (`booking_write`), so a seat is never booked twice. The bot's minimum notice does not apply
(a walk-in may take the next free slot today); the booking window, closures and holidays do.

The citizen record: a typed phone goes through the one normaliser (core.phones). When citizens the viewer may
see already have that number, the form asks which record this is (or a new one) — never matched silently, as
two people may share a phone. A new record holds only the name and the phone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from core.booking.availability import availability_for, free_slots, services_at
from core.booking.errors import AlreadyBooked, BookingError, LimitReached, SlotTaken
from core.booking.mediators import citizen_with_oral_consent
from core.booking.service import book
from core.booking.tx import booking_write
from core.centres import list_centres
from core.citizens import valid_name
from core.models import Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from core.phones import normalise_phone, phone_display
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.dates import parse_day
from staff_console.deps import DbSession, Now
from staff_console.routes.common import protected_router, text_field
from staff_console.web import ATHENS, render

router = protected_router()
CHANNELS = ("desk", "phone")  # labels: catalogue "desk_channel"


async def visible_citizen_ids(session: DbSession, viewer: Viewer, candidates: list[int]) -> set[int]:
    """Which of `candidates` the viewer may see: a record of theirs (request, conversation, appointment, waiting
    list) is in the viewer's centres, or one of those centres serves them. Admins and coordinators see all."""
    if not candidates or viewer.centre_ids is None:
        return set(candidates)
    centres = sorted(viewer.centre_ids)
    seen: set[int] = set()
    for model in (Intake, HandoffConversation, Appointment, WaitlistEntry):
        rows = await session.scalars(
            select(model.citizen_id).where(model.citizen_id.in_(candidates), model.centre_id.in_(centres))
        )
        seen.update(i for i in rows.all() if i is not None)
    served = await session.scalars(
        select(Citizen.id).where(Citizen.id.in_(candidates), Citizen.home_centre_id.in_(centres))
    )
    return seen | set(served.all())


async def same_phone(session: DbSession, viewer: Viewer, phone: str | None) -> list[Citizen]:
    if not phone:
        return []
    found = list((await session.scalars(select(Citizen).where(Citizen.phone == phone).order_by(Citizen.id))).all())
    visible = await visible_citizen_ids(session, viewer, [c.id for c in found])
    return [c for c in found if c.id in visible]


async def _choices(session: DbSession, viewer: Viewer, centre: str, service: str, day: date, now: datetime) -> Any:
    centres = [c for c in await list_centres(session) if viewer.sees_centre(c.id)]
    centre_ids = [c.id for c in centres]
    if centre not in centre_ids:
        centre = centre_ids[0] if len(centre_ids) == 1 else ""
    services = await services_at(session, centre) if centre else []
    if service not in services:
        service = services[0] if len(services) == 1 else ""
    avail = await availability_for(session, centre, service) if centre and service else None
    slots = await free_slots(session, avail, day, now=now, notice=False) if avail else []
    return centres, centre, services, service, slots


async def _page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    now: datetime,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    matches: list[Citizen] | None = None,
    status_code: int = 200,
) -> Response:
    today = now.astimezone(ATHENS).date()
    day = parse_day(values.get("day", ""), today)
    centres, centre, services, service, slots = await _choices(
        session, viewer, values.get("centre", ""), values.get("service", ""), day, now
    )
    shown = [(c.id, c.name, phone_display(c.phone) if c.phone else "") for c in matches or []]
    if matches:  # names and phones of existing records are shown: a view of each
        for citizen in matches:
            viewer.audit(session, "view", "citizen", str(citizen.id), {"purpose": "booking"})
        await session.commit()
    return render(
        request,
        "desk_booking.html",
        viewer=viewer,
        centres=centres,
        centre=centre,
        services=services,
        service=service,
        day=day,
        today=today,
        slots=slots,
        values=values,
        errors=errors or {},
        matches=shown,
        channels=CHANNELS,
        status_code=status_code,
    )


@router.get("/appointments/new", name="appointments.new")
async def desk_booking_form(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    now: Now,
    centre: str = "",
    service: str = "",
    day: str = "",
) -> Response:
    values = {"centre": centre[:40], "service": service[:40], "day": day[:10], "via": "desk"}
    return await _page(request, viewer, session, now, values=values)


def _form_values(form: Any) -> dict[str, str]:
    names = ("centre", "service", "day", "start", "name", "phone", "via", "consent", "citizen")
    return {n: text_field(form, n, limit=200) for n in names}


def _errors(values: dict[str, str], name: str | None, phone: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["start"]:
        errors["start"] = t("desk.start")
    if name is None:
        errors["name"] = t("desk.name")
    if values["phone"] and phone is None:
        errors["phone"] = t("desk.phone")
    if values["via"] not in CHANNELS:
        errors["via"] = t("desk.via")
    if values["consent"] != "1":
        errors["consent"] = t("desk.consent")
    return errors


def _start(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@router.post("/appointments/new", name="appointments.book")
async def desk_booking_submit(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    values = _form_values(form)
    name, phone = valid_name(values["name"]), normalise_phone(values["phone"])
    errors = _errors(values, name, phone)
    starts_at = _start(values["start"])
    if values["start"] and starts_at is None:
        errors["start"] = t("desk.start")
    _, centre, _, service, _ = await _choices(
        session, viewer, values["centre"], values["service"], now.astimezone(ATHENS).date(), now
    )
    if not centre or centre != values["centre"] or not service or service != values["service"]:
        errors["centre"] = t("desk.service")
    matches = await same_phone(session, viewer, phone)
    choice = values["citizen"]
    if matches and not errors and choice not in ("new", *(str(c.id) for c in matches)):
        errors["citizen"] = t("desk.which_citizen")
    if errors or starts_at is None or name is None:  # nothing was written
        return await _page(
            request, viewer, session, now, values=values, errors=errors, matches=matches, status_code=400
        )
    # Only a record offered on the form (same phone, in the viewer's scope) may be reused.
    reuse = next((c.id for c in matches if str(c.id) == choice), None)
    await session.rollback()  # the booking is written in its own serialised transaction below
    try:
        async with booking_write(request.app.state.db) as write:
            citizen = await write.get(Citizen, reuse) if reuse is not None else None
            if citizen is None:
                citizen = await citizen_with_oral_consent(
                    write,
                    name=name,
                    phone=phone,
                    now=now,
                    actor_kind=viewer.role,
                    actor_id=viewer.actor,
                    via=values["via"],
                )
            appointment = await book(
                write,
                citizen_id=citizen.id,
                centre_id=centre,
                service=service,
                starts_at=starts_at,
                now=now,
                consent_kind="oral",
                booked_by_staff_id=viewer.user_id,
                booked_by_kind="staff",
                notice=False,
            )
            viewer.audit(write, "book", "appointment", str(appointment.id), {"consent": "oral", "via": values["via"]})
            booked_day = appointment.starts_at.astimezone(ATHENS).date()
    except BookingError as exc:
        code = (
            "slot_taken"
            if isinstance(exc, SlotTaken)
            else "already"
            if isinstance(exc, AlreadyBooked)
            else "limit"
            if isinstance(exc, LimitReached)
            else "not_bookable"
        )
        return await _page(
            request, viewer, session, now, values=values, errors={"start": t(f"desk.{code}")}, status_code=409
        )
    query = f"day={booked_day.isoformat()}&centre={centre}&notice=booked"
    return RedirectResponse(f"/appointments?{query}", status_code=303)
