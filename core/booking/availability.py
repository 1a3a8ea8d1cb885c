"""What can be booked: the services of a centre, its working days and the free seats of each slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.holidays import is_public_holiday
from core.booking.policy import SERVICES
from core.booking.slots import local_day, slot_starts
from core.models import Centre
from core.models.booking import HELD, Appointment, Availability, Closure
from knowledge.holidays import local_holidays


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    seats: int
    free: int


@dataclass(frozen=True)
class Day:
    day: date
    total: int  # bookable slots (after notice) that day
    free: int  # of which at least one seat is free

    @property
    def full(self) -> bool:
        return self.total > 0 and self.free == 0


async def availability_for(session: AsyncSession, centre_id: str, service: str) -> Availability | None:
    found: Availability | None = await session.scalar(
        select(Availability).where(
            Availability.centre_id == centre_id, Availability.service == service, Availability.active.is_(True)
        )
    )
    return found


async def services_at(session: AsyncSession, centre_id: str) -> list[str]:
    rows = (
        await session.scalars(
            select(Availability.service).where(Availability.centre_id == centre_id, Availability.active.is_(True))
        )
    ).all()
    return sorted(set(rows), key=lambda s: SERVICES.index(s) if s in SERVICES else len(SERVICES))


async def closed_days(session: AsyncSession, centre_id: str, first: date, last: date) -> set[date]:
    """Closures entered for the centre (or all centres), and the local public holidays of the municipalities
    the centre serves (knowledge/data/local_holidays.yaml; the database says which municipalities)."""
    rows = (
        await session.scalars(
            select(Closure.day).where(
                or_(Closure.centre_id == centre_id, Closure.centre_id.is_(None)),
                Closure.day >= first,
                Closure.day <= last,
            )
        )
    ).all()
    municipalities = await session.scalar(select(Centre.municipalities).where(Centre.id == centre_id))
    return set(rows) | set(local_holidays(municipalities or [], first, last))


def occupied(now: datetime) -> ColumnElement[bool]:
    """The SQL condition of a row that holds its seat at `now` (an expired hold no longer does)."""
    return and_(Appointment.seat.is_not(None), or_(Appointment.status != HELD, Appointment.hold_expires_at > now))


def earliest_start(avail: Availability, now: datetime, *, notice: bool = True) -> datetime:
    """The first start that may be booked: after the minimum notice for the bot; for staff at the desk or on the
    phone (notice=False) any slot that has not started yet."""
    return now + timedelta(hours=avail.min_notice_hours) if notice else now + timedelta(microseconds=1)


def window_days(avail: Availability, now: datetime) -> list[date]:
    today = local_day(now)
    return [today + timedelta(days=i) for i in range(avail.window_days + 1)]


def bookable_start(
    avail: Availability, starts_at: datetime, now: datetime, closed: set[date], *, notice: bool = True
) -> bool:
    """True when `starts_at` is one of the service's slots, far enough ahead, inside the window and on a
    working day. Used to validate a time that came back from a button (it may be stale or forged)."""
    day = local_day(starts_at)
    if day in closed or is_public_holiday(day):
        return False
    if starts_at < earliest_start(avail, now, notice=notice):
        return False
    if day > local_day(now) + timedelta(days=avail.window_days):
        return False
    return starts_at in slot_starts(avail.weekly, day, avail.slot_minutes)


async def taken_counts(
    session: AsyncSession, avail: Availability, first: datetime, last: datetime, now: datetime
) -> dict[datetime, int]:
    rows = (
        await session.execute(
            select(Appointment.starts_at, func.count())
            .where(
                Appointment.centre_id == avail.centre_id,
                Appointment.service == avail.service,
                Appointment.starts_at >= first,
                Appointment.starts_at <= last,
                occupied(now),
            )
            .group_by(Appointment.starts_at)
        )
    ).all()
    # Aware datetimes hash by instant, so keys match the slot starts whatever tzinfo the driver returned.
    return {row[0]: row[1] for row in rows}


async def free_slots(
    session: AsyncSession, avail: Availability, day: date, *, now: datetime, notice: bool = True
) -> list[Slot]:
    """The slots of `day` that can still be booked, with their free seats (full slots included, free=0).
    notice=False: staff booking at the desk, every slot that has not started (see earliest_start)."""
    if day in await closed_days(session, avail.centre_id, day, day) or is_public_holiday(day):
        return []
    if day > local_day(now) + timedelta(days=avail.window_days):
        return []
    earliest = earliest_start(avail, now, notice=notice)
    starts = [s for s in slot_starts(avail.weekly, day, avail.slot_minutes) if s >= earliest]
    if not starts:
        return []
    taken = await taken_counts(session, avail, starts[0], starts[-1], now)
    length = timedelta(minutes=avail.slot_minutes)
    return [Slot(s, s + length, avail.seats, max(avail.seats - taken.get(s, 0), 0)) for s in starts]


async def bookable_days(session: AsyncSession, avail: Availability, *, now: datetime) -> list[Day]:
    """Every working day in the booking window that has slots after the minimum notice, full or not."""
    days = window_days(avail, now)
    closed = await closed_days(session, avail.centre_id, days[0], days[-1])
    earliest = earliest_start(avail, now)
    per_day: dict[date, list[datetime]] = {}
    for day in days:
        if day in closed or is_public_holiday(day):
            continue
        starts = [s for s in slot_starts(avail.weekly, day, avail.slot_minutes) if s >= earliest]
        if starts:
            per_day[day] = starts
    if not per_day:
        return []
    first = min(s for starts in per_day.values() for s in starts)
    last = max(s for starts in per_day.values() for s in starts)
    taken = await taken_counts(session, avail, first, last, now)
    return [
        Day(day, len(starts), sum(1 for s in starts if taken.get(s, 0) < avail.seats))
        for day, starts in per_day.items()
    ]
