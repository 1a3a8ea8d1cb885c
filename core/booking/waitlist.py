"""The waiting list: a citizen queues for a full day; a freed seat is held for the first in line for a while
(an Appointment with status HELD), and offered to the next when the hold runs out or is declined."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.booking.availability import closed_days, earliest_start
from core.booking.errors import LimitReached, NotBookable, OfferGone
from core.booking.holds import hold_expiry
from core.booking.policy import policy
from core.booking.reminders import schedule_reminders
from core.booking.seats import free_seat, lock_service, release_expired_holds
from core.booking.slots import local_day
from core.models import Citizen
from core.models.booking import ACTIVE_STATUSES, BOOKED, EXPIRED, HELD, Appointment, WaitlistEntry

WAITING = "waiting"
OFFERED = "offered"
DAY_CLOSED = "closed"  # the centre closed that day after the citizen queued: they were told


async def future_count(session: AsyncSession, citizen_id: int, now: datetime, *, besides: int | None = None) -> int:
    query = select(Appointment.id).where(
        Appointment.citizen_id == citizen_id, Appointment.status.in_((BOOKED,)), Appointment.starts_at > now
    )
    if besides is not None:
        query = query.where(Appointment.id != besides)
    return len((await session.scalars(query)).all())


async def join_waitlist(
    session: AsyncSession, *, citizen_id: int, centre_id: str, service: str, day: date, now: datetime
) -> WaitlistEntry:
    """Queue for `day` (idempotent: a second tap returns the same place in the line)."""
    avail = await lock_service(session, centre_id, service)
    if avail is None or day < local_day(now) or day > local_day(now) + timedelta(days=avail.window_days):
        raise NotBookable("day outside the window")
    if day in await closed_days(session, centre_id, day, day):
        raise NotBookable("closed")
    if await future_count(session, citizen_id, now) >= policy().max_future_bookings:
        raise LimitReached("limit")
    existing = await session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.citizen_id == citizen_id,
            WaitlistEntry.centre_id == centre_id,
            WaitlistEntry.service == service,
            WaitlistEntry.day == day,
            WaitlistEntry.status.in_((WAITING, OFFERED)),
        )
    )
    if existing is not None:
        return existing
    entry = WaitlistEntry(
        citizen_id=citizen_id, centre_id=centre_id, service=service, day=day, status=WAITING, created_at=now
    )
    session.add(entry)
    await session.flush()
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen_id),
        action="create",
        record_kind="waitlist_entry",
        record_id=str(entry.id),
    )
    return entry


async def position(session: AsyncSession, entry: WaitlistEntry) -> int:
    ahead = await session.scalars(
        select(WaitlistEntry.id).where(
            WaitlistEntry.centre_id == entry.centre_id,
            WaitlistEntry.service == entry.service,
            WaitlistEntry.day == entry.day,
            WaitlistEntry.status == WAITING,
            WaitlistEntry.id < entry.id,
        )
    )
    return len(ahead.all()) + 1


async def offer_freed_seat(
    session: AsyncSession, *, centre_id: str, service: str, starts_at: datetime, now: datetime
) -> WaitlistEntry | None:
    """Hold a freed seat for the first in line for that day (the caller holds the service lock). The offer is
    sent by the bot's loop (entries OFFERED with no offer_sent_at)."""
    avail = await lock_service(session, centre_id, service)
    if avail is None or starts_at < earliest_start(avail, now):
        return None
    seat = await free_seat(session, avail, starts_at, now)
    if seat is None:
        return None
    closed = await closed_days(session, centre_id, local_day(now), local_day(starts_at))
    waiting = (
        await session.scalars(
            select(WaitlistEntry)
            .join(Citizen, Citizen.id == WaitlistEntry.citizen_id)
            .where(
                WaitlistEntry.centre_id == centre_id,
                WaitlistEntry.service == service,
                WaitlistEntry.day == local_day(starts_at),
                WaitlistEntry.status == WAITING,
                # A citizen who blocked the bot could not get the offer: the seat goes to the next in line, and
                # they keep their place for a later one (reachable again once they write to the bot).
                Citizen.unreachable_at.is_(None),
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        )
    ).all()
    for entry in waiting:
        clash = await session.scalar(
            select(Appointment.id).where(
                Appointment.citizen_id == entry.citizen_id,
                Appointment.starts_at == starts_at,
                Appointment.status.in_(ACTIVE_STATUSES),
            )
        )
        if clash is not None:
            continue
        # Held through the centre's hours (an offer at night lasts into the next opening), never past the point
        # where the slot itself stops being bookable.
        rules = policy()
        expires = hold_expiry(
            avail.weekly,
            now=now,
            hold_minutes=rules.hold_minutes,
            after_opening_minutes=rules.hold_after_opening_minutes,
            latest=starts_at - timedelta(hours=avail.min_notice_hours),
            closed=closed,
        )
        hold = Appointment(
            centre_id=centre_id,
            service=service,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=avail.slot_minutes),
            seat=seat,
            citizen_id=entry.citizen_id,
            status=HELD,
            hold_expires_at=expires,
            booked_by_kind="citizen",
            created_at=now,
        )
        session.add(hold)
        await session.flush()
        entry.status = OFFERED
        entry.hold_appointment_id = hold.id
        entry.offer_sent_at = None
        await session.flush()
        return entry
    return None


async def expire_holds(session: AsyncSession, now: datetime) -> int:
    """Release every hold that ran out and offer each seat to the next in line; returns how many ran out."""
    expired = list(
        (
            await session.scalars(
                select(Appointment).where(Appointment.status == HELD, Appointment.hold_expires_at <= now)
            )
        ).all()
    )
    for hold in expired:
        await lock_service(session, hold.centre_id, hold.service)
        released = await release_expired_holds(
            session, centre_id=hold.centre_id, service=hold.service, starts_at=hold.starts_at, now=now
        )
        if released:
            await offer_freed_seat(
                session, centre_id=hold.centre_id, service=hold.service, starts_at=hold.starts_at, now=now
            )
    return len(expired)


async def _offer_of(
    session: AsyncSession, entry_id: int, citizen_id: int, now: datetime
) -> tuple[WaitlistEntry, Appointment]:
    entry = await session.scalar(select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update())
    if entry is None or entry.citizen_id != citizen_id or entry.status != OFFERED or entry.hold_appointment_id is None:
        raise OfferGone("no open offer")
    await lock_service(session, entry.centre_id, entry.service)
    hold = await session.get(Appointment, entry.hold_appointment_id)
    if hold is None or hold.status != HELD or hold.hold_expires_at is None or hold.hold_expires_at <= now:
        raise OfferGone("hold ran out")
    return entry, hold


async def accept_offer(session: AsyncSession, *, entry_id: int, citizen_id: int, now: datetime) -> Appointment:
    entry, hold = await _offer_of(session, entry_id, citizen_id, now)
    hold.status = BOOKED
    hold.hold_expires_at = None
    hold.consent_kind = "telegram"
    hold.consent_at = now
    entry.status = "booked"
    await session.flush()
    schedule_reminders(session, hold, now)
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen_id),
        action="create",
        record_kind="appointment",
        record_id=str(hold.id),
        details={"via": "waitlist"},
    )
    return hold


async def decline_offer(session: AsyncSession, *, entry_id: int, citizen_id: int, now: datetime) -> None:
    entry, hold = await _offer_of(session, entry_id, citizen_id, now)
    hold.status = EXPIRED
    hold.seat = None
    entry.status = "left"
    await session.flush()
    await offer_freed_seat(session, centre_id=hold.centre_id, service=hold.service, starts_at=hold.starts_at, now=now)


async def pass_over(session: AsyncSession, entry: WaitlistEntry, now: datetime) -> None:
    """An offer that cannot reach its citizen (they blocked the bot after it was made): the held seat goes to the
    next in line; the citizen keeps their place in the list."""
    hold = await session.get(Appointment, entry.hold_appointment_id) if entry.hold_appointment_id else None
    entry.status = WAITING
    entry.hold_appointment_id = None
    entry.offer_sent_at = None
    if hold is None or hold.status != HELD:
        await session.flush()
        return
    hold.status = EXPIRED
    hold.seat = None
    await session.flush()
    await offer_freed_seat(session, centre_id=hold.centre_id, service=hold.service, starts_at=hold.starts_at, now=now)


async def pending_offers(session: AsyncSession, now: datetime) -> list[int]:
    rows = await session.scalars(
        select(WaitlistEntry.id)
        .join(Appointment, Appointment.id == WaitlistEntry.hold_appointment_id)
        .where(
            WaitlistEntry.status == OFFERED,
            WaitlistEntry.offer_sent_at.is_(None),
            Appointment.status == HELD,
            Appointment.hold_expires_at > now,
        )
    )
    return list(rows.all())


async def places_for_citizen(
    session: AsyncSession, citizen_id: int, now: datetime
) -> list[tuple[WaitlistEntry, Appointment | None]]:
    """The citizen's places in waiting lists for days still to come, each with its held seat when one is offered
    (and still held), in order of day."""
    entries = (
        await session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.citizen_id == citizen_id,
                WaitlistEntry.status.in_((WAITING, OFFERED)),
                WaitlistEntry.day >= local_day(now),
            )
            .order_by(WaitlistEntry.day, WaitlistEntry.id)
        )
    ).all()
    out: list[tuple[WaitlistEntry, Appointment | None]] = []
    for entry in entries:
        hold = await session.get(Appointment, entry.hold_appointment_id) if entry.hold_appointment_id else None
        held = (
            hold is not None and hold.status == HELD and hold.hold_expires_at is not None and hold.hold_expires_at > now
        )
        out.append((entry, hold if held and entry.status == OFFERED else None))
    return out


async def leave_waitlist(session: AsyncSession, *, entry_id: int, citizen_id: int, now: datetime) -> None:
    """Leave a waiting list; a seat held for the citizen goes to the next in line. OfferGone when the place is not
    the citizen's or already left (nothing changes)."""
    entry = await session.scalar(select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update())
    if entry is None or entry.citizen_id != citizen_id or entry.status not in (WAITING, OFFERED):
        raise OfferGone("no place in the list")
    if entry.status == OFFERED and entry.hold_appointment_id is not None:
        hold = await session.get(Appointment, entry.hold_appointment_id)
        if hold is not None and hold.status == HELD and hold.hold_expires_at is not None and hold.hold_expires_at > now:
            await decline_offer(session, entry_id=entry_id, citizen_id=citizen_id, now=now)
            return
    entry.status = "left"
    await session.flush()
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen_id),
        action="update",
        record_kind="waitlist_entry",
        record_id=str(entry.id),
        details={"status": "left"},
    )


async def close_waiting_on(session: AsyncSession, *, centre_id: str | None, day: date) -> list[WaitlistEntry]:
    """The centre closed `day` (None: every centre): the places still waiting for it end, since no seat will ever
    free up that day. Returns them, so the caller tells each citizen. Offered places hold a seat, which a closure
    refuses to drop, so only waiting ones are left here."""
    query = select(WaitlistEntry).where(WaitlistEntry.day == day, WaitlistEntry.status == WAITING).with_for_update()
    if centre_id is not None:
        query = query.where(WaitlistEntry.centre_id == centre_id)
    entries = list((await session.scalars(query.order_by(WaitlistEntry.id))).all())
    for entry in entries:
        entry.status = DAY_CLOSED
    await session.flush()
    return entries
