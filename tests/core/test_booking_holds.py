"""Holds follow the centre's hours: an offer made at night, on a weekend or on a holiday, or one that would run
past closing, is held until a set time after the next opening — never expiring while the centre is closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from core.booking import service, waitlist
from core.booking.holds import hold_expiry, is_open, next_opening
from core.booking.policy import policy
from core.booking.slots import local, to_utc
from core.db import Database
from core.models.booking import HELD, Appointment
from tests.core.test_booking_core import MONDAY, NINE, WEEKLY, book, make_citizens

WEDNESDAY = date(2026, 11, 25)
THURSDAY = date(2026, 11, 26)
FRIDAY = date(2026, 11, 27)
AT_23_38 = to_utc(WEDNESDAY, time(23, 38))
FAR = to_utc(date(2026, 12, 10), time(9, 0))


def expiry(now: datetime, *, latest: datetime = FAR, closed: set[date] | None = None) -> datetime:
    return hold_expiry(
        WEEKLY, now=now, hold_minutes=120, after_opening_minutes=120, latest=latest, closed=closed or set()
    )


def test_in_hours_the_hold_is_the_plain_two_hours() -> None:
    ten = to_utc(THURSDAY, time(10, 0))
    assert expiry(ten) == ten + timedelta(hours=2)


def test_at_23_38_the_hold_lasts_into_the_next_morning() -> None:
    ends = expiry(AT_23_38)
    assert local(ends).date() == THURSDAY and local(ends).time() == time(11, 0)
    opening = next_opening(WEEKLY, AT_23_38, set())
    assert opening is not None and ends > opening  # after the next opening, not before it
    assert is_open(WEEKLY, ends, set())


def test_near_closing_friday_holds_over_the_weekend_and_a_holiday_is_skipped() -> None:
    friday_14_30 = to_utc(FRIDAY, time(14, 30))
    assert local(expiry(friday_14_30)).replace(tzinfo=None) == datetime(2026, 11, 30, 11, 0)
    # Christmas Day (Friday 25/12/2026) is a holiday: an offer on Christmas Eve evening waits for Monday 28/12.
    eve = to_utc(date(2026, 12, 24), time(18, 0))
    latest = to_utc(date(2027, 1, 10), time(9, 0))
    assert local(expiry(eve, latest=latest)).replace(tzinfo=None) == datetime(2026, 12, 28, 11, 0)
    # A local closure counts like a holiday.
    assert local(expiry(AT_23_38, closed={THURSDAY})).date() == FRIDAY


def test_the_hold_never_outlasts_the_slot_and_never_ends_at_night() -> None:
    # The slot stops being bookable Thursday 21:00 (out of hours): the hold ends at Thursday's closing, 15:00.
    latest = to_utc(THURSDAY, time(21, 0))
    ten = to_utc(THURSDAY, time(14, 0))
    assert local(expiry(ten, latest=latest)).time() == time(15, 0)
    assert expiry(AT_23_38, latest=AT_23_38 + timedelta(minutes=1)) >= AT_23_38


async def test_an_offer_made_at_23_38_is_held_until_after_the_next_opening(database: Database) -> None:
    """The whole path: a seat freed at 23:38 goes to the first in line, held until 11:00 the next working day."""
    holder, waiting = await make_citizens(database, 2)
    evening = AT_23_38 - timedelta(hours=1)
    await book(database, holder, now=evening)
    async with database.write() as session:
        entry = await waitlist.join_waitlist(
            session, citizen_id=waiting, centre_id="kk-kozani", service="social_worker", day=MONDAY, now=evening
        )
    taken = await _appointment_of(database, holder)
    async with database.write() as session:
        await service.cancel(session, appointment_id=taken, citizen_id=holder, now=AT_23_38)
    async with database.session() as session:
        hold = await session.scalar(select(Appointment).where(Appointment.status == HELD))
        assert hold is not None and hold.citizen_id == waiting and hold.hold_expires_at is not None
        ends = hold.hold_expires_at.replace(tzinfo=UTC) if hold.hold_expires_at.tzinfo is None else hold.hold_expires_at
    opening = to_utc(THURSDAY, time(9, 0))
    assert ends == opening + timedelta(minutes=policy().hold_after_opening_minutes)
    # Nothing runs out in the night ("ως τις 01:38" was the bug): at 01:38 and at 08:59 the seat is still held.
    for moment in (AT_23_38 + timedelta(hours=2), opening - timedelta(minutes=1)):
        async with database.write() as session:
            assert await waitlist.expire_holds(session, moment) == 0
    async with database.session() as session:
        assert await waitlist.pending_offers(session, opening) == [entry.id]
    assert ends < NINE  # the Monday slot itself is later still


async def _appointment_of(database: Database, citizen: int) -> int:
    async with database.session() as session:
        found = await session.scalar(select(Appointment.id).where(Appointment.citizen_id == citizen))
    assert found is not None
    return found
