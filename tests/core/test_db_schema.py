"""The database on both SQLite and PostgreSQL: migrations match the models, seeding is idempotent and never
overwrites an admin's corrections, datetimes come back timezone-aware UTC, SQLite runs with its pragmas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from core.db import Database
from core.migrate import for_dialect
from core.models import Base, Centre, Citizen
from core.seed import seed_reference_data


async def test_migrations_match_the_models(database: Database) -> None:
    def diff(sync_conn: object) -> list[object]:
        dialect = sync_conn.dialect.name  # type: ignore[attr-defined]
        # As env.py compares: an index the models create on one database only is left out on the other.
        context = MigrationContext.configure(sync_conn, opts={"include_object": for_dialect(dialect)})  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_all_fifteen_places_of_service_are_seeded(database: Database) -> None:
    async with database.session() as session:
        ids = set((await session.scalars(select(Centre.id))).all())
    assert ids == {
        "kk-kozani",
        "kk-eordaia",
        "kk-voio",
        "kk-servia",
        "kk-grevena",
        "kk-deskati",
        "kk-kastoria",
        "kk-argos-orestiko",
        "kk-florina",
        "kk-amyntaio",
        "annex-roma-eordaia",
        "annex-roma-kastoria",
        "annex-roma-florina",
        "unit-nestorio",
        "unit-prespes",
    }


async def test_unknown_details_stay_unknown(database: Database) -> None:
    async with database.session() as session:
        kozani = await session.get(Centre, "kk-kozani")
        servia = await session.get(Centre, "kk-servia")
    assert kozani is not None and servia is not None
    assert (kozani.address, kozani.phone, kozani.email, kozani.hours) == (None, None, None, None)
    assert servia.phone == "2464500561"
    assert servia.sources["phone"]["uncertain"] is True


async def test_seeding_again_keeps_an_admins_correction(database: Database) -> None:
    async with database.session() as session:
        centre = await session.get(Centre, "kk-kozani")
        assert centre is not None
        centre.address = "Διεύθυνση που διόρθωσε ο διαχειριστής"
        centre.updated_by = "admin"
        await session.commit()
    assert await seed_reference_data(database) == 0
    async with database.session() as session:
        centre = await session.get(Centre, "kk-kozani")
    assert centre is not None and centre.address == "Διεύθυνση που διόρθωσε ο διαχειριστής"


async def test_datetimes_round_trip_as_aware_utc(database: Database) -> None:
    athens_noon = datetime(2026, 3, 29, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    async with database.session() as session:
        session.add(Citizen(telegram_id=1, created_at=athens_noon, last_seen_at=athens_noon))
        await session.commit()
    async with database.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == 1))
    assert citizen is not None
    assert citizen.created_at.tzinfo is not None
    assert citizen.created_at == athens_noon
    assert citizen.created_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(database: Database) -> None:
    async with database.session() as session:
        session.add(Citizen(telegram_id=2, created_at=datetime(2026, 1, 1), last_seen_at=datetime.now(UTC)))
        with pytest.raises(Exception, match="naive datetimes"):
            await session.commit()


async def test_sqlite_pragmas(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with db.session() as session:
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == 15000
    finally:
        await db.dispose()


async def test_write_transaction_takes_the_sqlite_write_lock_up_front(sqlite_url: str) -> None:
    """Inside `write()`, a second writer cannot even begin: BEGIN IMMEDIATE holds the lock from the start."""
    import sqlite3

    from sqlalchemy.engine import make_url

    db = Database(sqlite_url)
    path = make_url(sqlite_url).database
    assert path is not None
    try:
        async with db.write() as session:
            await session.execute(select(Centre.id).limit(1))  # a read only: a deferred BEGIN would not lock
            other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        await db.dispose()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    async with database.session() as session:
        session.add(
            Centre(
                id="kk-test",
                kind="roma_annex",
                parent_id="kk-does-not-exist",
                name_el="x",
                name_en="x",
                municipalities=[],
                related_contacts=[],
                sources={},
            )
        )
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            await session.commit()


async def test_database_errors_never_quote_the_values(database: Database) -> None:
    """An error's message goes to logs: it must not carry what a citizen typed (hide_parameters)."""
    async with database.session() as session:
        session.add(Citizen(telegram_id=77, name="Μαρία Παπαδοπούλου"))
        await session.commit()
    async with database.session() as session:
        session.add(Citizen(telegram_id=77, name="Μαρία Παπαδοπούλου", phone="6912345678"))
        with pytest.raises(Exception) as caught:
            await session.commit()
    assert "Παπαδοπούλου" not in str(caught.value)
    assert "6912345678" not in str(caught.value)
