"""Telling people when staff change an appointment: the citizen (on Telegram) gets a structured notice — which
appointment (service, centre, day and time, rendered when delivered), the staff message if any, and buttons to
book again or see their appointments; the mediator who booked the visit is told too. Both go through the outbox
(core/outbox.py), so each is delivered exactly once. The rows carry the citizen's id, so erasing the citizen
erases them too, whichever chat they go to. A closed day ends the waiting-list places for it: each citizen is told
which day, centre and service (`notify_day_closed`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Citizen, StaffUser
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import OutboxMessage
from core.pii import mask_pii

CANCELLED, MOVED = "cancelled", "moved"
CITIZEN_KINDS = {CANCELLED: "appointment_cancelled", MOVED: "appointment_moved"}
MEDIATOR_KINDS = {CANCELLED: "visit_cancelled", MOVED: "visit_moved"}
DAY_CLOSED_KIND = "waitlist_day_closed"


async def notify_staff_change(
    session: AsyncSession, appointment: Appointment, *, change: str, message: str | None, now: datetime
) -> list[OutboxMessage]:
    """Queue the notices of a change staff made (`change`: cancelled | moved); returns the rows queued."""
    text = mask_pii(message.strip()) if message and message.strip() else None
    rows: list[OutboxMessage] = []
    citizen = await session.get(Citizen, appointment.citizen_id)
    if citizen is not None and citizen.telegram_id is not None:
        rows.append(
            OutboxMessage(
                chat_id=citizen.telegram_id,
                citizen_id=citizen.id,
                kind=CITIZEN_KINDS[change],
                appointment_id=appointment.id,
                text=text,
                language=citizen.language,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    if appointment.booked_by_kind == "mediator" and appointment.booked_by_staff_id is not None:
        mediator = await session.get(StaffUser, appointment.booked_by_staff_id)
        if mediator is not None and mediator.active and mediator.telegram_id is not None:
            rows.append(
                OutboxMessage(
                    chat_id=mediator.telegram_id,
                    citizen_id=appointment.citizen_id,
                    kind=MEDIATOR_KINDS[change],
                    appointment_id=appointment.id,
                    text=text,
                    language="el",
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    session.add_all(rows)
    return rows


async def notify_day_closed(session: AsyncSession, entries: list[WaitlistEntry], *, now: datetime) -> int:
    """Queue «the Centre closed that day, your place in the waiting list ended» for each entry's citizen who can
    be reached on Telegram; the day, centre and service travel in the row (rendered when delivered)."""
    queued = 0
    for entry in entries:
        citizen = await session.get(Citizen, entry.citizen_id)
        if citizen is None or citizen.telegram_id is None:
            continue
        session.add(
            OutboxMessage(
                chat_id=citizen.telegram_id,
                citizen_id=citizen.id,
                kind=DAY_CLOSED_KIND,
                payload={"centre_id": entry.centre_id, "service": entry.service, "day": entry.day.isoformat()},
                language=citizen.language,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        queued += 1
    return queued
