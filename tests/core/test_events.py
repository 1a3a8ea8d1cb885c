"""Events: only published ones from now on, soonest first, a centre's own plus the region-wide ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from core.db import Database
from core.events import create_event, upcoming

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def test_the_migration_creates_the_event_table(database: Database) -> None:
    async with database.engine.connect() as conn:
        columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("event")})
    assert {"id", "centre_id", "title", "starts_at", "place", "published"} <= columns


async def test_upcoming_shows_published_future_events_soonest_first(database: Database) -> None:
    async with database.session() as session:
        await create_event(
            session,
            title="Εργαστήρι βιογραφικού",
            starts_at=NOW + timedelta(days=7),
            centre_id="kk-kozani",
            place="Κέντρο Κοινότητας Κοζάνης",
            published=True,
        )
        await create_event(session, title="Ενημέρωση για το ΕΕΕ", starts_at=NOW + timedelta(days=2), published=True)
        await create_event(session, title="Πρόχειρο", starts_at=NOW + timedelta(days=1))  # not published
        await create_event(session, title="Χθεσινή", starts_at=NOW - timedelta(days=1), published=True)
        await session.commit()
    async with database.session() as session:
        events = await upcoming(session, NOW)
    assert [e.title for e in events] == ["Ενημέρωση για το ΕΕΕ", "Εργαστήρι βιογραφικού"]
    assert events[0].starts_at == NOW + timedelta(days=2)
    assert events[0].starts_at.tzinfo is not None


async def test_upcoming_for_a_centre_includes_region_wide_but_not_other_centres(database: Database) -> None:
    async with database.session() as session:
        await create_event(
            session, title="Κοζάνη", starts_at=NOW + timedelta(days=1), centre_id="kk-kozani", published=True
        )
        await create_event(
            session, title="Φλώρινα", starts_at=NOW + timedelta(days=2), centre_id="kk-florina", published=True
        )
        await create_event(session, title="Όλη η Περιφέρεια", starts_at=NOW + timedelta(days=3), published=True)
        await session.commit()
    async with database.session() as session:
        titles = [e.title for e in await upcoming(session, NOW, centre_id="kk-florina")]
    assert titles == ["Φλώρινα", "Όλη η Περιφέρεια"]


async def test_upcoming_respects_the_limit_and_an_event_starting_now(database: Database) -> None:
    async with database.session() as session:
        for day in range(8):
            await create_event(session, title=f"Δράση {day}", starts_at=NOW + timedelta(days=day), published=True)
        await session.commit()
    async with database.session() as session:
        events = await upcoming(session, NOW, limit=3)
    assert [e.title for e in events] == ["Δράση 0", "Δράση 1", "Δράση 2"]


async def test_bad_input_is_refused(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(ValueError):
            await create_event(session, title="  ", starts_at=NOW)
        with pytest.raises(ValueError):
            await create_event(session, title="Χωρίς ζώνη ώρας", starts_at=datetime(2026, 12, 1, 18, 0))
        with pytest.raises(ValueError):
            await upcoming(session, datetime(2026, 12, 1, 18, 0))
