"""Rendering the notices of core/appointment_notices.py when the outbox delivers them: to the citizen, which
appointment staff cancelled or moved (service, centre, day and time; a move names the old and the new time), the
staff message if any, and buttons to book again or see their appointments; to the mediator who booked the visit,
whose visit it was; to a citizen waiting for a seat on a day the centre then closed, that their wait ended."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup

from bot.services import KoinotitaApplication
from bot.ui import keyboard
from core.appointment_notices import DAY_CLOSED_KIND
from core.booking.display import centre_name, day_text, service_label, when_text
from core.booking.moves import moved_from
from core.models import Centre, Citizen
from core.models.booking import Appointment
from core.outbox import OutboxClaim
from knowledge.messages import plain, t

KINDS = ("appointment_cancelled", "appointment_moved", "visit_cancelled", "visit_moved", DAY_CLOSED_KIND)


def _rebook_buttons(register: str) -> InlineKeyboardMarkup:
    rows = [[(plain("btn_book_again", register), "m:book")], [(plain("btn_my_appointments", register), "ap:l")]]
    return keyboard(rows)


async def _render_day_closed(
    app: KoinotitaApplication, claim: OutboxClaim, register: str
) -> tuple[str, InlineKeyboardMarkup]:
    about = claim.payload or {}
    async with app.services.db.session() as session:
        centre = await session.get(Centre, str(about.get("centre_id") or ""))
    text = t(
        "wl_day_closed",
        register,
        day=day_text(date.fromisoformat(str(about.get("day"))), register, "acc"),
        service=service_label(str(about.get("service") or ""), register),
        centre=centre_name(centre, register) if centre else "",
    )
    return text, _rebook_buttons(register)


async def render_notice(
    app: KoinotitaApplication, claim: OutboxClaim, register: str
) -> tuple[str, InlineKeyboardMarkup]:
    if claim.kind == DAY_CLOSED_KIND:
        return await _render_day_closed(app, claim, register)
    async with app.services.db.session() as session:
        appointment = await session.get(Appointment, claim.appointment_id) if claim.appointment_id else None
        centre = await session.get(Centre, appointment.centre_id) if appointment else None
        citizen = await session.get(Citizen, appointment.citizen_id) if appointment else None
        # A move names the time it replaced: the old appointment, which the new one points to.
        previous = await moved_from(session, appointment) if appointment and claim.kind.endswith("_moved") else None
    values = {
        "service": service_label(appointment.service, register) if appointment else "",
        "centre": centre_name(centre, register) if centre else "",
        "when": when_text(appointment.starts_at, register) if appointment else "",
        "was": when_text(previous.starts_at, register) if previous else "",
        "message": claim.text or "",
        "moved": claim.kind.endswith("_moved"),
    }
    if claim.kind.startswith("visit_"):
        name = citizen.name if citizen is not None and citizen.name else plain("md_name_unknown", register)
        return (
            t("md_visit_changed_by_staff", register, name=name, **values),
            keyboard([[(plain("btn_md_upcoming", register), "md:u")]]),
        )
    return t("ap_changed_by_staff", register, **values), _rebook_buttons(register)
