"""Staff moving an appointment to another free time of the same centre and service.

The move is a new appointment (`rescheduled_from_id` = the old one) and the old one cancelled, in one transaction,
under the same guarantees as booking: the caller opens `booking_write()` (BEGIN IMMEDIATE on SQLite), the
service's slots are locked (FOR UPDATE on PostgreSQL), the new time must be one of the service's bookable slots
now (`bookable_start`: not past, after the notice, inside the window, not a closure or holiday), a free seat is
taken (`free_seat`), and the unique constraint on (centre, service, start, seat) is the last guard. The new
appointment keeps who booked it, the consent, the settlement and the topic; the freed seat of the old time is
offered to that day's waiting list. Any refusal raises a BookingError and changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.availability import (
    Day,
    Slot,
    availability_for,
    bookable_days,
    bookable_start,
    closed_days,
    free_slots,
)
from core.booking.errors import AlreadyBooked, AlreadyCancelled, AlreadyPast, NotBookable, NotFound, SlotTaken
from core.booking.reminders import drop_reminders, schedule_reminders
from core.booking.seats import free_seat, lock_service, release_expired_holds
from core.booking.slots import local_day
from core.booking.waitlist import offer_freed_seat
from core.models.booking import BOOKED, CANCELLED, Appointment


async def move_choices(session: AsyncSession, appointment: Appointment, *, day: date, now: datetime) -> list[Slot]:
    """The times of `day` (Athens) the appointment could move to: the service's bookable slots with a free seat,
    other than its own time."""
    avail = await availability_for(session, appointment.centre_id, appointment.service)
    if avail is None:
        return []
    slots = await free_slots(session, avail, day, now=now)
    return [slot for slot in slots if slot.free > 0 and slot.starts_at != appointment.starts_at]


async def move_days(session: AsyncSession, appointment: Appointment, *, now: datetime) -> list[Day]:
    """The days of the booking window with at least one free time of the appointment's service."""
    avail = await availability_for(session, appointment.centre_id, appointment.service)
    return [day for day in await bookable_days(session, avail, now=now) if day.free > 0] if avail else []


async def move_appointment(
    session: AsyncSession,
    *,
    appointment_id: int,
    centre_id: str,
    starts_at: datetime,
    now: datetime,
    actor_kind: str,
    actor_id: str,
) -> tuple[Appointment, Appointment]:
    """Move a booked, future appointment of `centre_id` to `starts_at`; returns (old, new)."""
    old: Appointment | None = await session.scalar(
        select(Appointment).where(Appointment.id == appointment_id).with_for_update()
    )
    if old is None or old.centre_id != centre_id or old.status not in (BOOKED, CANCELLED):
        raise NotFound("no such appointment")
    if old.status == CANCELLED:
        raise AlreadyCancelled("already cancelled")
    if old.starts_at <= now:
        raise AlreadyPast("already started")
    if starts_at == old.starts_at:
        raise NotBookable("the same time")
    avail = await lock_service(session, old.centre_id, old.service)
    day = local_day(starts_at)
    if avail is None or not bookable_start(avail, starts_at, now, await closed_days(session, old.centre_id, day, day)):
        raise NotBookable("not a bookable slot now")
    mine = await session.scalar(
        select(Appointment).where(
            Appointment.citizen_id == old.citizen_id,
            Appointment.centre_id == old.centre_id,
            Appointment.service == old.service,
            Appointment.starts_at == starts_at,
            Appointment.status == BOOKED,
        )
    )
    if mine is not None:
        raise AlreadyBooked(mine)
    await release_expired_holds(session, centre_id=old.centre_id, service=old.service, starts_at=starts_at, now=now)
    seat = await free_seat(session, avail, starts_at, now)
    if seat is None:
        raise SlotTaken("full")
    new = Appointment(
        centre_id=old.centre_id,
        service=old.service,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=avail.slot_minutes),
        seat=seat,
        citizen_id=old.citizen_id,
        status=BOOKED,
        booked_by_kind=old.booked_by_kind,
        booked_by_staff_id=old.booked_by_staff_id,
        consent_kind=old.consent_kind,
        consent_at=old.consent_at,
        settlement=old.settlement,
        topic=old.topic,
        created_at=now,
        rescheduled_from_id=old.id,
    )
    session.add(new)
    try:
        await session.flush()
    except IntegrityError as exc:  # the unique constraint: only if something bypassed the lock
        raise SlotTaken("seat taken") from exc
    old.status, old.seat, old.cancelled_at = CANCELLED, None, now
    await session.flush()
    await drop_reminders(session, old.id, now)
    schedule_reminders(session, new, now)
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="move",
        record_kind="appointment",
        record_id=str(old.id),
        details={"to": new.id},
    )
    await offer_freed_seat(session, centre_id=old.centre_id, service=old.service, starts_at=old.starts_at, now=now)
    return old, new


async def moved_from(session: AsyncSession, appointment: Appointment) -> Appointment | None:
    """The appointment this one replaced (a move by staff or a citizen's reschedule), if any."""
    if appointment.rescheduled_from_id is None:
        return None
    return await session.get(Appointment, appointment.rescheduled_from_id)
