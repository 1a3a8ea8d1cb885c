"""Booking, cancelling, rescheduling and confirming appointments. The caller opens the transaction with
`Database.write()` (BEGIN IMMEDIATE on SQLite) and commits; every function here locks what it reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.availability import bookable_start, closed_days
from core.booking.errors import (
    AlreadyBooked,
    AlreadyCancelled,
    AlreadyPast,
    LimitReached,
    NotBookable,
    NotFound,
    SlotTaken,
)
from core.booking.policy import policy
from core.booking.reminders import drop_reminders, schedule_reminders
from core.booking.seats import free_seat, lock_service, release_expired_holds
from core.booking.slots import local_day
from core.booking.waitlist import future_count, offer_freed_seat
from core.models.booking import ACTIVE_STATUSES, ATTENDED, BOOKED, CANCELLED, NO_SHOW, Appointment

BOOKED_BY = ("citizen", "mediator", "staff")


async def book(
    session: AsyncSession,
    *,
    citizen_id: int,
    centre_id: str,
    service: str,
    starts_at: datetime,
    now: datetime,
    consent_kind: str = "telegram",
    booked_by_staff_id: int | None = None,
    booked_by_kind: str | None = None,
    settlement: str | None = None,
    reschedule_of: int | None = None,
    topic: str | None = None,
    notice: bool = True,
) -> Appointment:
    """Book the first free seat of a slot for a citizen, or raise a BookingError (nothing changed).

    Who booked (`booked_by_kind`, one of BOOKED_BY): the citizen through the bot; a mediator for them; centre staff
    for a walk-in or a phone caller. Left out, it is "mediator" when a staff id is given (the bot's mediator flow)
    and "citizen" otherwise. A mediator or staff booking names the account in `booked_by_staff_id`.
    notice=False (staff only): any slot that has not started, without the bot's minimum notice."""
    kind = booked_by_kind or ("mediator" if booked_by_staff_id else "citizen")
    if kind not in BOOKED_BY or (kind == "citizen") != (booked_by_staff_id is None) or (not notice and kind != "staff"):
        raise ValueError(f"booked_by_kind {kind!r} does not fit booked_by_staff_id {booked_by_staff_id!r}")
    avail = await lock_service(session, centre_id, service)
    if avail is None:
        raise NotBookable("service not offered")
    day = local_day(starts_at)
    if not bookable_start(avail, starts_at, now, await closed_days(session, centre_id, day, day), notice=notice):
        raise NotBookable("not a bookable slot now")
    mine = await session.scalar(
        select(Appointment).where(
            Appointment.citizen_id == citizen_id,
            Appointment.centre_id == centre_id,
            Appointment.service == service,
            Appointment.starts_at == starts_at,
            Appointment.status == BOOKED,
        )
    )
    if mine is not None:
        raise AlreadyBooked(mine)
    if await future_count(session, citizen_id, now, besides=reschedule_of) >= policy().max_future_bookings:
        raise LimitReached("too many future bookings")
    await release_expired_holds(session, centre_id=centre_id, service=service, starts_at=starts_at, now=now)
    seat = await free_seat(session, avail, starts_at, now)
    if seat is None:
        raise SlotTaken("full")
    appointment = Appointment(
        centre_id=centre_id,
        service=service,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=avail.slot_minutes),
        seat=seat,
        citizen_id=citizen_id,
        status=BOOKED,
        booked_by_kind=kind,
        booked_by_staff_id=booked_by_staff_id,
        consent_kind=consent_kind,
        consent_at=now,
        settlement=settlement,
        created_at=now,
        rescheduled_from_id=reschedule_of,
        topic=topic,
    )
    session.add(appointment)
    try:
        await session.flush()
    except IntegrityError as exc:  # the unique constraint: only if something bypassed the lock
        raise SlotTaken("seat taken") from exc
    schedule_reminders(session, appointment, now)
    actor_kind, actor_id = (kind, str(booked_by_staff_id)) if booked_by_staff_id else ("citizen", str(citizen_id))
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="create",
        record_kind="appointment",
        record_id=str(appointment.id),
        details={"centre": centre_id, "service": service},
    )
    if reschedule_of is not None:
        await cancel(
            session,
            appointment_id=reschedule_of,
            citizen_id=citizen_id,
            now=now,
            actor_kind=actor_kind,
            actor_id=actor_id,
        )
    return appointment


async def _locked(session: AsyncSession, appointment_id: int) -> Appointment | None:
    found: Appointment | None = await session.scalar(
        select(Appointment).where(Appointment.id == appointment_id).with_for_update()
    )
    return found


async def cancel(
    session: AsyncSession,
    *,
    appointment_id: int,
    now: datetime,
    citizen_id: int | None = None,
    centre_id: str | None = None,
    actor_kind: str = "citizen",
    actor_id: str | None = None,
) -> Appointment:
    """Cancel an appointment of `citizen_id` (or, for a mediator, of `centre_id`); the freed seat is offered to
    the first in that day's waiting list in the same transaction."""
    appointment = await _locked(session, appointment_id)
    if (
        appointment is None
        or (citizen_id is not None and appointment.citizen_id != citizen_id)
        or (centre_id is not None and appointment.centre_id != centre_id)
        or appointment.status not in (BOOKED, CANCELLED)
    ):
        raise NotFound("no such appointment")
    if appointment.status == CANCELLED:
        raise AlreadyCancelled("already cancelled")
    if appointment.starts_at <= now:
        raise AlreadyPast("already started")
    await lock_service(session, appointment.centre_id, appointment.service)
    appointment.status = CANCELLED
    appointment.seat = None
    appointment.cancelled_at = now
    await session.flush()
    await drop_reminders(session, appointment.id, now)
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="cancel",
        record_kind="appointment",
        record_id=str(appointment.id),
    )
    await offer_freed_seat(
        session, centre_id=appointment.centre_id, service=appointment.service, starts_at=appointment.starts_at, now=now
    )
    return appointment


async def confirm(session: AsyncSession, *, appointment_id: int, citizen_id: int, now: datetime) -> Appointment:
    """ "I'll come", from a reminder. Idempotent."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.citizen_id != citizen_id or appointment.status not in (BOOKED, CANCELLED):
        raise NotFound("no such appointment")
    if appointment.status == CANCELLED:
        raise AlreadyCancelled("cancelled")
    if appointment.starts_at <= now:
        raise AlreadyPast("past")
    if appointment.confirmed_at is None:
        appointment.confirmed_at = now
        audit.record(
            session,
            actor_kind="citizen",
            actor_id=str(citizen_id),
            action="confirm",
            record_kind="appointment",
            record_id=str(appointment.id),
        )
    return appointment


async def mark_attendance(
    session: AsyncSession, *, appointment_id: int, centre_id: str, attended: bool, staff_id: int, now: datetime
) -> Appointment:
    """A mediator or staff member records whether the citizen came (only once the visit has started)."""
    appointment = await _locked(session, appointment_id)
    if (
        appointment is None
        or appointment.centre_id != centre_id
        or appointment.status not in (BOOKED, ATTENDED, NO_SHOW)
    ):
        raise NotFound("no such appointment")
    if appointment.starts_at > now:
        raise NotBookable("not yet")
    appointment.status = ATTENDED if attended else NO_SHOW
    audit.record(
        session,
        actor_kind="mediator",
        actor_id=str(staff_id),
        action="update",
        record_kind="appointment",
        record_id=str(appointment.id),
        details={"status": appointment.status},
    )
    return appointment


async def upcoming_for_citizen(session: AsyncSession, citizen_id: int, now: datetime) -> list[Appointment]:
    rows = await session.scalars(
        select(Appointment)
        .where(
            Appointment.citizen_id == citizen_id,
            Appointment.status == BOOKED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    )
    return list(rows.all())


async def upcoming_for_centre(
    session: AsyncSession, centre_id: str, now: datetime, *, since_hours: int = 12, limit: int = 20
) -> list[Appointment]:
    """The centre's visits from a few hours ago on (so today's can be marked attended or no-show)."""
    rows = await session.scalars(
        select(Appointment)
        .where(
            Appointment.centre_id == centre_id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at > now - timedelta(hours=since_hours),
        )
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return list(rows.all())
