"""Local public holidays close bookings at the centres of that municipality (facts G.1), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from core.booking.availability import availability_for, bookable_days, closed_days, free_slots
from core.db import Database
from core.models import Centre
from knowledge.holidays import load_local_holidays, local_holidays

NOW = datetime(2027, 11, 1, 8, 0, tzinfo=UTC)  # Monday 1 November 2027
ELEVENTH = date(2027, 11, 11)  # a Thursday
FIFTEENTH = date(2027, 11, 15)  # a Monday


def test_the_holidays_are_the_sourced_ones() -> None:
    found = {(h.municipality_id, h.month, h.day) for h in load_local_holidays()}
    assert found == {("argos-orestiko", 11, 11), ("kastoria", 11, 11), ("prespes", 11, 15)}
    assert all(h.source.startswith("https://") for h in load_local_holidays())
    # a decree applies from its year: Kastoria's 11 November (2025) did not close 2024
    assert local_holidays(["kastoria"], date(2024, 1, 1), date(2024, 12, 31)) == {}
    assert set(local_holidays(["argos-orestiko"], date(2024, 1, 1), date(2024, 12, 31))) == {date(2024, 11, 11)}


async def _availability(session: Any, centre_id: str) -> Any:
    for service in ("social_worker", "applications"):
        found = await availability_for(session, centre_id, service)
        if found is not None:
            return found
    raise AssertionError(f"{centre_id} has no bookable service")


async def test_bookings_close_on_the_local_holiday_of_the_centres_municipality(database: Database) -> None:
    async with database.session() as session:
        for centre_id, closed_on in [
            ("kk-kastoria", ELEVENTH),
            ("annex-roma-kastoria", ELEVENTH),
            ("kk-argos-orestiko", ELEVENTH),
            ("unit-prespes", FIFTEENTH),
        ]:
            assert closed_on in await closed_days(session, centre_id, date(2027, 11, 1), date(2027, 11, 30)), centre_id
            avail = await _availability(session, centre_id)
            days = [d.day for d in await bookable_days(session, avail, now=NOW)]
            assert closed_on not in days, centre_id
            assert await free_slots(session, avail, closed_on, now=NOW) == []
        # other municipalities work those days: Κοζάνη, Νεστόριο (served from Καστοριά, its own municipality), Φλώρινα
        for centre_id, open_on in [("kk-kozani", ELEVENTH), ("unit-nestorio", ELEVENTH), ("kk-florina", FIFTEENTH)]:
            avail = await _availability(session, centre_id)
            assert open_on in [d.day for d in await bookable_days(session, avail, now=NOW)], centre_id


async def test_the_database_says_which_municipalities_a_centre_serves(database: Database) -> None:
    async with database.session() as session:
        centre = await session.scalar(select(Centre).where(Centre.id == "kk-kozani"))
        assert centre is not None
        centre.municipalities = ["kozani", "prespes"]  # an admin's correction
        await session.commit()
    async with database.session() as session:
        assert FIFTEENTH in await closed_days(session, "kk-kozani", FIFTEENTH, FIFTEENTH)
