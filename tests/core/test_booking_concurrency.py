"""A seat is never booked twice: 200 people try the same one-seat slot at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.booking import service
from core.booking.errors import BookingError, SlotTaken
from core.booking.slots import to_utc
from core.db import Database
from core.models import Citizen
from core.models.booking import BOOKED, Appointment, Availability

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SLOT = to_utc(date(2026, 11, 30), time(9, 0))
ATTEMPTS = 200


async def test_200_concurrent_attempts_at_a_one_seat_slot_book_exactly_one(database: Database) -> None:
    async with database.session() as session:
        avail = await session.scalar(
            select(Availability).where(Availability.centre_id == "kk-florina", Availability.service == "social_worker")
        )
        assert avail is not None and avail.seats == 1
        people = [Citizen(telegram_id=800000 + i) for i in range(ATTEMPTS)]
        session.add_all(people)
        await session.commit()
        ids = [p.id for p in people]

    async def attempt(citizen_id: int) -> str:
        try:
            async with database.write() as session:
                await service.book(
                    session,
                    citizen_id=citizen_id,
                    centre_id="kk-florina",
                    service="social_worker",
                    starts_at=SLOT,
                    now=NOW,
                )
            return "booked"
        except BookingError as exc:
            return exc.code

    outcomes = await asyncio.gather(*(attempt(i) for i in ids))
    assert outcomes.count("booked") == 1
    assert outcomes.count(SlotTaken.code) == ATTEMPTS - 1
    async with database.session() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.starts_at == SLOT, Appointment.status == BOOKED)
        )
    assert rows == 1


async def test_the_unique_constraint_refuses_a_second_row_for_a_seat(database: Database) -> None:
    """The last guard, should a write ever bypass the lock: the database itself refuses the duplicate."""
    async with database.session() as session:
        people = [Citizen(telegram_id=810000 + i) for i in range(2)]
        session.add_all(people)
        await session.commit()
        for person in people:
            session.add(
                Appointment(
                    centre_id="kk-florina",
                    service="social_worker",
                    starts_at=SLOT,
                    ends_at=SLOT,
                    seat=1,
                    citizen_id=person.id,
                    status=BOOKED,
                )
            )
        with pytest.raises(IntegrityError):
            await session.commit()
