"""Booking in core, on SQLite and PostgreSQL: slots and time zones, holidays, the rules of booking and
cancelling, the waiting list and the reminders' schedule. Time is passed in (`now=`), never patched."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.booking import service, waitlist
from core.booking.availability import availability_for, bookable_days, free_slots, services_at
from core.booking.errors import (
    AlreadyBooked,
    AlreadyCancelled,
    AlreadyPast,
    LimitReached,
    NotBookable,
    NotFound,
    OfferGone,
    SlotTaken,
)
from core.booking.holidays import is_public_holiday
from core.booking.reminders import DAY_BEFORE, TWO_HOURS, due_reminder_ids, reminder_times
from core.booking.slots import ATHENS, local, slot_starts, to_utc
from core.db import Database
from core.models import AuditEvent, Citizen
from core.models.booking import BOOKED, CANCELLED, EXPIRED, HELD, Appointment, Availability, Closure, Reminder

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday, 12:00 in Athens
MONDAY = date(2026, 11, 30)
NINE = to_utc(MONDAY, datetime.strptime("09:00", "%H:%M").time())
_telegram_ids = itertools.count(900000)
WEEKLY = {d: [["09:00", "13:00"], ["13:30", "15:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


async def make_citizens(db: Database, n: int) -> list[int]:
    async with db.session() as session:
        people = [Citizen(telegram_id=next(_telegram_ids)) for _ in range(n)]
        session.add_all(people)
        await session.commit()
        return [p.id for p in people]


async def book(
    db: Database,
    citizen: int,
    starts_at: datetime = NINE,
    *,
    centre: str = "kk-kozani",
    what: str = "social_worker",
    now: datetime = NOW,
) -> Appointment:
    async with db.write() as session:
        return await service.book(
            session, citizen_id=citizen, centre_id=centre, service=what, starts_at=starts_at, now=now
        )


# ---------------------------------------------------------------------------------------- pure time


def test_slots_follow_weekly_hours_with_the_break() -> None:
    starts = [local(s).strftime("%H:%M") for s in slot_starts(WEEKLY, MONDAY, 30)]
    assert starts[:2] == ["09:00", "09:30"] and starts[-1] == "14:30"
    assert "13:00" not in starts and "13:30" in starts  # the break 13:00-13:30
    assert len(starts) == 8 + 3
    assert slot_starts(WEEKLY, date(2026, 11, 28), 30) == []  # Saturday
    # 45-minute slots never run past the end of a period.
    ends = [local(s + timedelta(minutes=45)) for s in slot_starts(WEEKLY, MONDAY, 45)]
    assert all(e.strftime("%H:%M") <= "15:00" for e in ends)


def test_daylight_saving_changes_keep_local_times() -> None:
    # Last Sunday of March 2026 is the 29th: the Friday before is UTC+2, the Monday after UTC+3.
    assert to_utc(date(2026, 3, 27), datetime.strptime("09:00", "%H:%M").time()).hour == 7
    assert to_utc(date(2026, 3, 30), datetime.strptime("09:00", "%H:%M").time()).hour == 6
    # Last Sunday of October 2026 is the 25th: back to UTC+2.
    assert slot_starts(WEEKLY, date(2026, 10, 23), 30)[0].hour == 6
    assert slot_starts(WEEKLY, date(2026, 10, 26), 30)[0].hour == 7
    assert all(
        local(s).strftime("%H:%M") == "09:00"
        for s in (
            slot_starts(WEEKLY, d, 30)[0]
            for d in (date(2026, 3, 27), date(2026, 3, 30), date(2026, 10, 23), date(2026, 10, 26))
        )
    )
    # The day-before reminder is at 18:00 Athens time even on the Sunday of the change.
    monday_after = slot_starts(WEEKLY, date(2026, 3, 30), 30)[0]
    times = reminder_times(monday_after)
    assert times[DAY_BEFORE] == datetime(2026, 3, 29, 15, 0, tzinfo=UTC)
    assert local(times[DAY_BEFORE]).strftime("%d %H:%M") == "29 18:00"
    assert times[TWO_HOURS] == monday_after - timedelta(hours=2)
    october = slot_starts(WEEKLY, date(2026, 10, 26), 30)[0]
    assert local(reminder_times(october)[DAY_BEFORE]).strftime("%d %H:%M %Z") == "25 18:00 EET"


def test_greek_holidays_include_the_orthodox_movable_feasts() -> None:
    assert is_public_holiday(date(2026, 4, 13))  # Easter Monday (Orthodox), 2026
    assert is_public_holiday(date(2027, 5, 3))  # Easter Monday, 2027
    assert is_public_holiday(date(2026, 2, 23))  # Clean Monday
    assert is_public_holiday(date(2026, 6, 1))  # Whit Monday
    assert is_public_holiday(date(2026, 10, 28))
    assert not is_public_holiday(date(2026, 4, 6))  # Catholic Easter Monday is a working day in Greece
    assert ATHENS.key == "Europe/Athens"


# ---------------------------------------------------------------------------------------- availability


async def test_every_centre_is_seeded_with_services(database: Database) -> None:
    async with database.session() as session:
        assert await services_at(session, "kk-kozani") == [
            "social_worker",
            "psychologist",
            "employment",
            "applications",
        ]
        assert "roma_mediator" in await services_at(session, "annex-roma-florina")
        assert await services_at(session, "unit-prespes") == ["social_worker", "applications"]
        centres = set((await session.scalars(select(Availability.centre_id))).all())
    assert len(centres) == 15


async def test_days_skip_weekends_holidays_closures_and_the_notice(database: Database) -> None:
    async with database.session() as session:
        session.add(Closure(centre_id="kk-kozani", day=date(2026, 12, 1), reason="training"))
        await session.commit()
    async with database.session() as session:
        avail = await availability_for(session, "kk-kozani", "social_worker")
        assert avail is not None
        days = [d.day for d in await bookable_days(session, avail, now=NOW)]
        # Now is Wednesday 12:00: with 12 hours' notice today is gone, Thursday 26 is the first day.
        assert days[0] == date(2026, 11, 26)
        assert date(2026, 11, 28) not in days and date(2026, 12, 1) not in days  # Saturday, closure
        assert max(days) == date(2026, 12, 23)  # the 28-day window
        december = [d.day for d in await bookable_days(session, avail, now=datetime(2026, 12, 10, 8, tzinfo=UTC))]
        assert date(2026, 12, 24) in december and date(2026, 12, 25) not in december  # Christmas
        late = await free_slots(session, avail, date(2026, 11, 26), now=datetime(2026, 11, 25, 20, 0, tzinfo=UTC))
        assert local(late[0].starts_at).strftime("%H:%M") == "10:00"  # 22:00 Athens + 12 h


# ---------------------------------------------------------------------------------------- booking rules


async def test_book_cancel_and_the_seat_is_free_again(database: Database) -> None:
    a, b = await make_citizens(database, 2)
    first = await book(database, a)
    assert first.status == BOOKED and first.seat == 1
    with pytest.raises(SlotTaken):
        await book(database, b)
    async with database.write() as session:
        await service.cancel(session, appointment_id=first.id, citizen_id=a, now=NOW)
    second = await book(database, b)
    assert second.seat == 1
    async with database.session() as session:
        kinds = set((await session.scalars(select(Reminder.kind).where(Reminder.appointment_id == second.id))).all())
        assert kinds == {DAY_BEFORE, TWO_HOURS}
        actions = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.record_kind == "appointment"))
        ).all()
        assert sorted(actions) == ["cancel", "create", "create"]


async def test_double_tap_past_slots_and_limits_change_nothing(database: Database) -> None:
    (a,) = await make_citizens(database, 1)
    await book(database, a)
    with pytest.raises(AlreadyBooked):
        await book(database, a)
    with pytest.raises(NotBookable):  # in the past
        await book(database, a, to_utc(date(2026, 11, 24), datetime.strptime("09:00", "%H:%M").time()))
    with pytest.raises(NotBookable):  # not a slot (09:10)
        await book(database, a, NINE + timedelta(minutes=10))
    with pytest.raises(NotBookable):  # Christmas
        await book(database, a, to_utc(date(2026, 12, 25), datetime.strptime("09:00", "%H:%M").time()))
    await book(database, a, NINE + timedelta(minutes=30))
    with pytest.raises(LimitReached):
        await book(database, a, NINE + timedelta(hours=1))
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Appointment)) == 2


async def test_cancelling_twice_or_someone_elses_is_refused(database: Database) -> None:
    a, b = await make_citizens(database, 2)
    mine = await book(database, a)
    with pytest.raises(NotFound):
        async with database.write() as session:
            await service.cancel(session, appointment_id=mine.id, citizen_id=b, now=NOW)
    async with database.write() as session:
        await service.cancel(session, appointment_id=mine.id, citizen_id=a, now=NOW)
    with pytest.raises(AlreadyCancelled):
        async with database.write() as session:
            await service.cancel(session, appointment_id=mine.id, citizen_id=a, now=NOW)
    with pytest.raises(AlreadyPast):
        other = await book(database, b)
        async with database.write() as session:
            await service.cancel(session, appointment_id=other.id, citizen_id=b, now=NINE + timedelta(minutes=1))


async def test_reschedule_moves_the_booking_in_one_step(database: Database) -> None:
    (a,) = await make_citizens(database, 1)
    await book(database, a, NINE + timedelta(hours=1))
    old = await book(database, a)
    async with database.write() as session:
        new = await service.book(
            session,
            citizen_id=a,
            centre_id="kk-kozani",
            service="social_worker",
            starts_at=NINE + timedelta(minutes=30),
            now=NOW,
            reschedule_of=old.id,
        )
    async with database.session() as session:
        assert (await session.get(Appointment, old.id)).status == CANCELLED  # type: ignore[union-attr]
        assert (await session.get(Appointment, new.id)).status == BOOKED  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------- waiting list


async def test_a_freed_seat_is_held_for_the_first_in_line_then_the_next(database: Database) -> None:
    holder, first, second = await make_citizens(database, 3)
    taken = await book(database, holder)
    async with database.write() as session:
        e1 = await waitlist.join_waitlist(
            session, citizen_id=first, centre_id="kk-kozani", service="social_worker", day=MONDAY, now=NOW
        )
        again = await waitlist.join_waitlist(
            session, citizen_id=first, centre_id="kk-kozani", service="social_worker", day=MONDAY, now=NOW
        )
        e2 = await waitlist.join_waitlist(
            session, citizen_id=second, centre_id="kk-kozani", service="social_worker", day=MONDAY, now=NOW
        )
        assert again.id == e1.id and await waitlist.position(session, e2) == 2
    async with database.write() as session:
        await service.cancel(session, appointment_id=taken.id, citizen_id=holder, now=NOW)
    async with database.session() as session:
        assert await waitlist.pending_offers(session, NOW) == [e1.id]
        hold = await session.scalar(select(Appointment).where(Appointment.status == HELD))
        assert hold is not None and hold.citizen_id == first and hold.seat == 1
    # Someone else cannot take the held seat.
    (outsider,) = await make_citizens(database, 1)
    with pytest.raises(SlotTaken):
        await book(database, outsider, now=NOW + timedelta(minutes=5))
    # The hold runs out: the seat goes to the next in line.
    later = NOW + timedelta(hours=3)
    async with database.write() as session:
        assert await waitlist.expire_holds(session, later) == 1
    async with database.session() as session:
        assert await waitlist.pending_offers(session, later) == [e2.id]
    with pytest.raises(OfferGone):
        async with database.write() as session:
            await waitlist.accept_offer(session, entry_id=e1.id, citizen_id=first, now=later)
    async with database.write() as session:
        booked = await waitlist.accept_offer(session, entry_id=e2.id, citizen_id=second, now=later)
    assert booked.status == BOOKED and booked.citizen_id == second
    async with database.session() as session:
        statuses = sorted((await session.scalars(select(Appointment.status))).all())
    assert statuses == sorted([CANCELLED, EXPIRED, BOOKED])


# ---------------------------------------------------------------------------------------- reminders


async def test_reminders_are_due_at_their_times_and_dropped_on_cancel(database: Database) -> None:
    a, b = await make_citizens(database, 2)
    kept = await book(database, a)
    dropped = await book(database, b, NINE + timedelta(minutes=30))
    async with database.write() as session:
        await service.cancel(session, appointment_id=dropped.id, citizen_id=b, now=NOW)
    async with database.session() as session:
        assert await due_reminder_ids(session, NOW) == []
        sunday_evening = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # 18:00 Athens
        due = await due_reminder_ids(session, sunday_evening)
        assert len(due) == 1
        reminder = await session.get(Reminder, due[0])
        assert reminder is not None and reminder.appointment_id == kept.id and reminder.kind == DAY_BEFORE
        assert len(await due_reminder_ids(session, NINE - timedelta(hours=2))) == 2
