"""Database engines and sessions: SQLite by default (WAL, foreign keys, busy timeout), PostgreSQL in production.

On SQLite every transaction opens with `BEGIN IMMEDIATE`, which takes the write lock up front: a deferred
transaction that reads and then writes fails at once ("database is locked", SQLITE_BUSY_SNAPSHOT in WAL mode)
when another connection wrote in between, and no busy timeout can save it. Serialising transactions is the
right trade for the embedded default (one small site); readers outside a transaction are unaffected.
Writes that must not race (a seat booked twice, an outbox row sent twice) go through `Database.write()`,
which commits for the caller; on PostgreSQL the caller also locks the rows it reads (`with_for_update()`),
since `SELECT ... FOR UPDATE` does nothing on SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sync_url(url: str) -> str:
    """The same database for synchronous tools (Alembic): the async drivers swapped for sync ones."""
    u = make_url(url)
    driver = {"sqlite+aiosqlite": "sqlite", "postgresql+asyncpg": "postgresql+psycopg"}.get(u.drivername)
    return u.set(drivername=driver).render_as_string(hide_password=False) if driver else url


def create_engine_for(url: str, *, echo: bool = False) -> AsyncEngine:
    # hide_parameters: a database error's message never carries the values of a statement (names, phones) into
    # a log line.
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, echo=echo, hide_parameters=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defeat BEGIN IMMEDIATE: we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted content is overwritten, not left in free pages: erasure (/forget, the purge) really erases.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory; `session()` for reads and ordinary writes, `write()` for racing writes."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine_for(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = is_sqlite(url)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction the caller commits (or it is rolled back)."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success and rolls back on error; on SQLite it holds the write lock
        from its first statement, on PostgreSQL callers lock the rows they read with `with_for_update()`."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def checkpoint(self) -> None:
        """After an erasure: on SQLite, copy the write-ahead log into the database file and empty it, so erased
        rows survive in neither (PostgreSQL has no such file for us to clear)."""
        if not self.is_sqlite:
            return
        async with self.engine.connect() as connection:  # no statement through SQLAlchemy: no BEGIN
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            if driver is not None:
                await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def dispose(self) -> None:
        await self.engine.dispose()
