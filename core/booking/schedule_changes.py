"""Changing what can be booked — a service's weekly hours, slot length and seats, and closed days — without ever
dropping a booking silently.

- A change of hours/seats lists the future bookings (booked, or a waiting-list hold still running) it would leave
  outside the new slots or over the new seats, and is refused (nothing changed) unless the caller confirms
  exactly those appointments are kept as they are (`keep`): they stay booked and take place; the bot just stops
  offering those times. Lowering the seats renumbers the kept bookings of a slot into seats 1..n where free, so
  a later booking never takes an (n+1)th seat.
- A closure is refused while the day has future bookings at that centre (or at any centre, for a closure of all
  of them): the caller lists them so staff move or cancel each (with a message to the citizen) first. Citizens
  still waiting for a seat that day lose nothing by the closure but the wait: their places end and each is told
  (through the outbox, in the same transaction), with a button to book another day.
Both lock what bookings lock (the service's availability rows, FOR UPDATE; on SQLite the caller's
`booking_write` holds the database's write lock), so a booking cannot slip in between the check and the change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.appointment_notices import notify_day_closed
from core.booking.availability import free_slots
from core.booking.seats import release_expired_holds
from core.booking.slots import ATHENS, WEEKDAYS, local_day, parse_hhmm, slot_starts
from core.booking.waitlist import WAITING, close_waiting_on, offer_freed_seat
from core.models.booking import BOOKED, HELD, Appointment, Availability, Closure, WaitlistEntry

LIMITS = {"slot_minutes": (5, 240), "seats": (1, 50), "window_days": (1, 365), "min_notice_hours": (0, 168)}
_PERIOD = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")


class ScheduleError(ValueError):
    """The change cannot be made as asked; `code` says why (the console has a sentence for each)."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class BookingsInTheWay(Exception):
    """Future bookings the change would affect, by id (ordered by start). Nothing was changed."""

    def __init__(self, appointment_ids: list[int]) -> None:
        super().__init__(f"{len(appointment_ids)} bookings affected")
        self.appointment_ids = appointment_ids


@dataclass(frozen=True)
class Hours:
    """What staff set for one service: local weekly periods, slot length, seats, window, notice, offered or not."""

    weekly: dict[str, list[list[str]]]
    slot_minutes: int
    seats: int
    window_days: int
    min_notice_hours: int
    active: bool

    @classmethod
    def of(cls, avail: Availability) -> Hours:
        return cls(
            {d: [list(p) for p in avail.weekly.get(d) or []] for d in WEEKDAYS if avail.weekly.get(d)},
            avail.slot_minutes,
            avail.seats,
            avail.window_days,
            avail.min_notice_hours,
            avail.active,
        )


def parse_periods(text: str) -> list[list[str]]:
    """«09:00-13:00, 13:30-15:00» (a dot or a dash of any kind too) -> [["09:00","13:00"],["13:30","15:00"]];
    empty -> no hours that day. Periods must be real times, start before end, in order, not overlapping."""
    periods: list[list[str]] = []
    for part in [p for p in re.split(r"[,;\n]+", text or "") if p.strip()]:
        match = _PERIOD.match(part)
        if not match:
            raise ScheduleError("period_format")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ScheduleError("period_format")
        start, end = f"{h1:02d}:{m1:02d}", ("23:59" if h2 == 24 else f"{h2:02d}:{m2:02d}")
        if parse_hhmm(start) >= parse_hhmm(end):
            raise ScheduleError("period_order")
        if periods and parse_hhmm(periods[-1][1]) > parse_hhmm(start):
            raise ScheduleError("period_overlap")
        periods.append([start, end])
    return periods


def check_numbers(values: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, (low, high) in LIMITS.items():
        try:
            number = int(str(values.get(name, "")).strip())
        except ValueError:
            raise ScheduleError("number", name) from None
        if not low <= number <= high:
            raise ScheduleError("number", name)
        out[name] = number
    return out


async def future_bookings(
    session: AsyncSession, centre_ids: list[str] | None, now: datetime, *, service: str | None = None
) -> list[Appointment]:
    """Bookings still to come that hold a seat: booked, or a waiting-list hold that has not run out."""
    query = select(Appointment).where(
        Appointment.starts_at > now,
        or_(Appointment.status == BOOKED, (Appointment.status == HELD) & (Appointment.hold_expires_at > now)),
    )
    if centre_ids is not None:
        query = query.where(Appointment.centre_id.in_(centre_ids))
    if service is not None:
        query = query.where(Appointment.service == service)
    return list((await session.scalars(query.order_by(Appointment.starts_at, Appointment.id))).all())


def affected_by_hours(bookings: list[Appointment], hours: Hours) -> list[Appointment]:
    """The bookings that would fall outside the new slots, or beyond the new seats of their slot."""
    if not hours.active:
        return list(bookings)
    outside: list[Appointment] = []
    per_slot: dict[datetime, list[Appointment]] = defaultdict(list)
    for booking in bookings:
        day = local_day(booking.starts_at)
        if booking.starts_at not in slot_starts(hours.weekly, day, hours.slot_minutes):
            outside.append(booking)
        else:
            per_slot[booking.starts_at].append(booking)
    for same_slot in per_slot.values():
        if len(same_slot) > hours.seats:
            outside.extend(sorted(same_slot, key=lambda a: (a.seat or 0, a.id))[hours.seats :])
    return sorted(outside, key=lambda a: (a.starts_at, a.id))


async def _locked_availability(session: AsyncSession, centre_id: str, service: str) -> Availability | None:
    found: Availability | None = await session.scalar(
        select(Availability)
        .where(Availability.centre_id == centre_id, Availability.service == service)
        .with_for_update()
    )
    return found


async def _compact_seats(session: AsyncSession, bookings: list[Appointment], seats: int) -> None:
    """Kept bookings beyond the new seat count move to a free seat 1..seats of their slot where there is one."""
    per_slot: dict[datetime, list[Appointment]] = defaultdict(list)
    for booking in bookings:
        per_slot[booking.starts_at].append(booking)
    for same_slot in per_slot.values():
        taken = {a.seat for a in same_slot if a.seat is not None and a.seat <= seats}
        free = [s for s in range(1, seats + 1) if s not in taken]
        for booking in sorted(same_slot, key=lambda a: (a.seat or 0, a.id)):
            if booking.seat is not None and booking.seat > seats and free:
                booking.seat = free.pop(0)
                await session.flush()


async def change_hours(
    session: AsyncSession,
    *,
    centre_id: str,
    service: str,
    hours: Hours,
    now: datetime,
    keep: frozenset[int],
    actor_kind: str,
    actor_id: str,
    actor_name: str,
) -> list[int]:
    """Apply `hours` to the service; raise BookingsInTheWay (nothing changed) when it affects a future booking
    that is not in `keep`. Returns the ids of the affected bookings that were kept."""
    avail = await _locked_availability(session, centre_id, service)
    if avail is None:
        raise ScheduleError("no_service")
    await release_expired_holds(session, centre_id=centre_id, service=service, starts_at=None, now=now)
    bookings = await future_bookings(session, [centre_id], now, service=service)
    affected = [a.id for a in affected_by_hours(bookings, hours)]
    if set(affected) - keep:
        raise BookingsInTheWay(affected)
    before = Hours.of(avail)
    changed = [f for f in Hours.__dataclass_fields__ if getattr(before, f) != getattr(hours, f)]
    if not changed:
        return []
    avail.weekly = {d: hours.weekly[d] for d in WEEKDAYS if hours.weekly.get(d)}
    avail.slot_minutes, avail.seats = hours.slot_minutes, hours.seats
    avail.window_days, avail.min_notice_hours, avail.active = hours.window_days, hours.min_notice_hours, hours.active
    avail.updated_at, avail.updated_by = now, actor_name
    await _compact_seats(session, bookings, hours.seats)
    offers = await offer_new_seats(session, avail, now)
    details: dict[str, Any] = {"fields": changed}
    if affected:
        details["kept"] = affected
    if offers:
        details["offers"] = offers
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="update",
        record_kind="availability",
        record_id=str(avail.id),
        details=details,
    )
    return affected


async def offer_new_seats(session: AsyncSession, avail: Availability, now: datetime) -> int:
    """Seats that more hours or more seats opened on days with a waiting list are offered to those waiting, in
    order, exactly as a cancelled seat is (a hold, sent by the bot's loop). Returns how many were offered."""
    days = (
        await session.scalars(
            select(WaitlistEntry.day)
            .where(
                WaitlistEntry.centre_id == avail.centre_id,
                WaitlistEntry.service == avail.service,
                WaitlistEntry.status == WAITING,
                WaitlistEntry.day >= local_day(now),
            )
            .distinct()
            .order_by(WaitlistEntry.day)
        )
    ).all()
    offered = 0
    for day in days:
        for slot in await free_slots(session, avail, day, now=now):
            for _ in range(slot.free):
                entry = await offer_freed_seat(
                    session, centre_id=avail.centre_id, service=avail.service, starts_at=slot.starts_at, now=now
                )
                if entry is None:
                    break
                offered += 1
    return offered


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, ATHENS)
    return start, start + timedelta(days=1)


async def add_closure(
    session: AsyncSession,
    *,
    centre_id: str | None,
    day: date,
    reason: str | None,
    now: datetime,
    actor_kind: str,
    actor_id: str,
) -> tuple[Closure, int]:
    """Close `day` at one centre (None: every centre). Refused with BookingsInTheWay while bookings remain.
    Returns the closure and how many waiting citizens were told their place ended."""
    if day < local_day(now):
        raise ScheduleError("past_day")
    query = select(Availability.id).order_by(Availability.id).with_for_update()
    if centre_id is not None:
        query = query.where(Availability.centre_id == centre_id)
    await session.scalars(query)  # the locks bookings take, in one order
    existing = await session.scalar(
        select(Closure.id).where(
            Closure.day == day, Closure.centre_id.is_(None) if centre_id is None else Closure.centre_id == centre_id
        )
    )
    if existing is not None:
        raise ScheduleError("already_closed")
    first, last = day_bounds(day)
    await release_expired_holds_on(session, centre_id, now)
    in_the_way = [
        a.id
        for a in await future_bookings(session, None if centre_id is None else [centre_id], now)
        if first <= a.starts_at < last
    ]
    if in_the_way:
        raise BookingsInTheWay(in_the_way)
    closure = Closure(centre_id=centre_id, day=day, reason=reason or None)
    session.add(closure)
    await session.flush()
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="create",
        record_kind="closure",
        record_id=str(closure.id),
        details={"day": day.isoformat(), "centre_id": centre_id or "all"},
    )
    waiting = await close_waiting_on(session, centre_id=centre_id, day=day)
    for entry in waiting:
        audit.record(
            session,
            actor_kind=actor_kind,
            actor_id=actor_id,
            action="update",
            record_kind="waitlist_entry",
            record_id=str(entry.id),
            details={"status": entry.status, "closure": closure.id},
        )
    await notify_day_closed(session, waiting, now=now)
    return closure, len(waiting)


async def release_expired_holds_on(session: AsyncSession, centre_id: str | None, now: datetime) -> None:
    """Holds that ran out give their seats back first, so they are not counted as bookings in the way."""
    pairs = select(Availability.centre_id, Availability.service)
    if centre_id is not None:
        pairs = pairs.where(Availability.centre_id == centre_id)
    for centre, service in (await session.execute(pairs)).all():
        await release_expired_holds(session, centre_id=centre, service=service, starts_at=None, now=now)


async def remove_closure(session: AsyncSession, *, closure: Closure, actor_kind: str, actor_id: str) -> None:
    """Open a closed day again (nothing was booked on it, so nothing else changes)."""
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="delete",
        record_kind="closure",
        record_id=str(closure.id),
        details={"day": closure.day.isoformat(), "centre_id": closure.centre_id or "all"},
    )
    await session.delete(closure)
    await session.flush()
