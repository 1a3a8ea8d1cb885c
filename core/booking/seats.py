"""Locking a service's slots and finding a free seat: the part every write (book, hold, accept) shares.

The lock: on PostgreSQL the availability row of the service is locked FOR UPDATE, which serialises every
write to that service's slots; on SQLite the caller's `Database.write()` transaction (BEGIN IMMEDIATE)
already holds the database's write lock, and FOR UPDATE is ignored there. The unique constraint on
(centre, service, start, seat) is the last guard should anything slip past.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.availability import occupied
from core.models.booking import EXPIRED, HELD, Appointment, Availability, WaitlistEntry


async def lock_service(session: AsyncSession, centre_id: str, service: str) -> Availability | None:
    found: Availability | None = await session.scalar(
        select(Availability)
        .where(Availability.centre_id == centre_id, Availability.service == service, Availability.active.is_(True))
        .with_for_update()
    )
    return found


async def release_expired_holds(
    session: AsyncSession, *, centre_id: str, service: str, starts_at: datetime | None, now: datetime
) -> list[Appointment]:
    """Give back the seats of holds that ran out (one slot, or all when `starts_at` is None)."""
    query = select(Appointment).where(
        Appointment.centre_id == centre_id,
        Appointment.service == service,
        Appointment.status == HELD,
        Appointment.hold_expires_at <= now,
    )
    if starts_at is not None:
        query = query.where(Appointment.starts_at == starts_at)
    released = list((await session.scalars(query)).all())
    for hold in released:
        hold.status = EXPIRED
        hold.seat = None
        entry = await session.scalar(select(WaitlistEntry).where(WaitlistEntry.hold_appointment_id == hold.id))
        if entry is not None and entry.status == "offered":
            entry.status = "expired"
    await session.flush()
    return released


async def free_seat(session: AsyncSession, avail: Availability, starts_at: datetime, now: datetime) -> int | None:
    taken = set(
        (
            await session.scalars(
                select(Appointment.seat).where(
                    Appointment.centre_id == avail.centre_id,
                    Appointment.service == avail.service,
                    Appointment.starts_at == starts_at,
                    occupied(now),
                )
            )
        ).all()
    )
    if len(taken) >= avail.seats:  # bookings kept over a lowered seat count (schedule_changes) fill the slot
        return None
    return next((seat for seat in range(1, avail.seats + 1) if seat not in taken), None)
