"""Database engines and sessions: SQLite by default (WAL, foreign keys, busy timeout), PostgreSQL in production.

On SQLite every transaction opens with `BEGIN IMMEDIATE`, which takes the write lock up front: a deferred
transaction that reads and then writes fails at once ("database is locked", SQLITE_BUSY_SNAPSHOT in WAL mode)
when another connection wrote in between, and no busy timeout can save it. Serialising transactions is the
right trade for the embedded default (one small site); readers outside a transaction are unaffected.
Writes that must not race (a seat booked twice, an outbox row sent twice) go through `Database.write()`,
which commits for the caller; on PostgreSQL the caller also locks the rows it reads (`with_for_update()`),
since `SELECT ... FOR UPDATE` does nothing on SQLite.

A *step* (`Database.step()`) is one transaction that every `session()` and `write()` of the same database joins
while it runs, in the same asyncio task: the bot handles an update inside a step, so the handler's changes, the
conversation state and the inbox's "done" mark commit together or not at all (docs/delivery.md). Inside a step a
block's `commit()` releases a SAVEPOINT and `rollback()` (or an exception leaving `write()`) rolls back to it, so
code written for separate transactions keeps its meaning; nothing is durable until the step commits.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    AsyncSessionTransaction,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from core.sqlite_driver import one_trip_creator

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
    u = make_url(url)
    database = u.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    if u.drivername == "sqlite+aiosqlite" and not u.query:  # one thread trip per statement (core/sqlite_driver.py)
        creator = one_trip_creator(database or ":memory:", timeout=timeout)
        engine = create_async_engine(url, echo=echo, hide_parameters=True, async_creator=creator)
    else:
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": timeout})
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


_FLUSHES = "koinotita_flushes"
STEP_SESSION = "koinotita_step"  # in session.info of a step's session: what it read may be kept for the step
_AFTER_COMMIT = "koinotita_after_commit"


def _count_flush(session: Session, _context: Any) -> None:
    session.info[_FLUSHES] = session.info.get(_FLUSHES, 0) + 1


def step_cache(session: Any, name: str) -> dict[Any, Any] | None:
    """A dict kept for the rest of the step when `session` is a step's (None otherwise): what a step reads that the
    bot itself never changes (centres) is read once per batch of updates, not once per update."""
    info = session.info
    if not info.get(STEP_SESSION):
        return None
    kept: dict[Any, Any] = info.setdefault(f"koinotita_kept:{name}", {})
    return kept


_STEP: ContextVar[tuple[Database, AsyncSession] | None] = ContextVar("koinotita_step", default=None)


class _JoinedSession:
    """The step's session as one block sees it: its own SAVEPOINT, released by `commit()`, undone by
    `rollback()`; everything else is the step's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._savepoint: AsyncSessionTransaction | None = None
        self._flushes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    async def _begin(self) -> None:
        self._savepoint = await self._session.begin_nested()
        self._flushes = self._session.info.get(_FLUSHES, 0)

    @property
    def changed(self) -> bool:
        s = self._session
        return s.info.get(_FLUSHES, 0) != self._flushes or bool(s.new or s.dirty or s.deleted)

    async def commit(self) -> None:
        await self._session.flush()
        if self._savepoint is not None and self._savepoint.is_active:
            await self._savepoint.commit()
        await self._begin()

    async def rollback(self) -> None:
        if self._savepoint is not None and self._savepoint.is_active:
            await self._savepoint.rollback()
        await self._begin()

    async def close(self) -> None:
        return None

    async def end(self, *, keep: bool) -> None:
        """Leave the block: keep its changes (`write()` on success) or undo them."""
        if self._savepoint is None or not self._savepoint.is_active:
            return
        if keep:
            await self._session.flush()
            await self._savepoint.commit()
        else:
            await self._savepoint.rollback()


_HOLDING: ContextVar[frozenset[str]] = ContextVar("koinotita_write_queues_held", default=frozenset())


class WriteQueue:
    """This process's turn at one SQLite file: an asyncio.Lock per event loop, held again freely by the task that
    holds it (a block inside another block of the same task does not wait for itself)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        held = _HOLDING.get()
        if self.key in held:
            yield
            return
        lock = self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with lock:
            token = _HOLDING.set(held | {self.key})
            try:
                yield
            finally:
                _HOLDING.reset(token)


_QUEUES: dict[str, WriteQueue] = {}


def write_queue(url: str) -> WriteQueue:
    """The queue of the SQLite file `url` names (an in-memory database: its own)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return WriteQueue(f"memory:{id(url)}:{len(_QUEUES)}")
    key = str(Path(database).resolve())
    return _QUEUES.setdefault(key, WriteQueue(key))


class Database:
    """One engine and its session factory; `session()` for reads and ordinary writes, `write()` for racing writes,
    `step()` for a transaction they all join."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine_for(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = is_sqlite(url)
        # SQLite has one writer, and every transaction here takes the write lock (BEGIN IMMEDIATE): this process's
        # sessions, writes and steps on the file queue here (FIFO, shared by every Database of the same file)
        # before asking SQLite, instead of polling against each other until the busy timeout runs out.
        self.queue = write_queue(url) if self.is_sqlite else None

    def in_step(self) -> bool:
        current = _STEP.get()
        return current is not None and current[0] is self

    def step_session(self) -> AsyncSession | None:
        """The running step's own session (to read what the step noted in its `info`; blocks that run statements
        open `session()`/`write()` as usual), or None outside a step."""
        current = _STEP.get()
        return current[1] if current is not None and current[0] is self else None

    @asynccontextmanager
    async def _joined(self, *, commit_on_exit: bool) -> AsyncIterator[AsyncSession]:
        current = _STEP.get()
        assert current is not None
        joined = _JoinedSession(current[1])
        await joined._begin()
        try:
            yield joined  # type: ignore[misc]  # quacks like the AsyncSession it wraps
        except BaseException:
            await joined.end(keep=False)
            raise
        # session(): what the block did not commit is undone, as closing a session would; a block that only read
        # keeps its savepoint released (undoing it could expire objects the caller still reads).
        await joined.end(keep=commit_on_exit or not joined.changed)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction the caller commits (or it is rolled back)."""
        if self.in_step():
            async with self._joined(commit_on_exit=False) as joined:
                yield joined
            return
        async with self._queued(), self.sessions() as session:
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """For a block that only reads: inside a step, the step's own session — no savepoint to open and release
        (two statements and their round trips), as a read leaves nothing to undo; outside, `session()`. Not for a
        block whose failure is caught: on PostgreSQL a failed statement outside a savepoint fails the whole step."""
        step_session = self.step_session()
        if step_session is not None:
            yield step_session
            return
        async with self.session() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success and rolls back on error; on SQLite it holds the write lock
        from its first statement, on PostgreSQL callers lock the rows they read with `with_for_update()`."""
        if self.in_step():
            async with self._joined(commit_on_exit=True) as joined:
                yield joined
            return
        async with self._queued(), self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def checkpoint(self) -> None:
        """After an erasure: on SQLite, copy the write-ahead log into the database file and empty it, so erased
        rows survive in neither (PostgreSQL has no such file for us to clear). Inside a step, done once the step
        has committed (before that the erasure is not in the database, and the step holds the write lock)."""
        if not self.is_sqlite:
            return
        current = _STEP.get()
        if current is not None and current[0] is self:
            current[1].info.setdefault(_AFTER_COMMIT, []).append(self.checkpoint)
            return
        async with self._queued(), self.engine.connect() as connection:  # no statement through SQLAlchemy: no BEGIN
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            if driver is not None:
                await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def step(self) -> AsyncIterator[AsyncSession]:
        """One transaction that `session()` and `write()` join (as savepoints) until the block ends; committed
        at the end, rolled back on any exception. On SQLite it waits its turn in `queue` first."""
        if self.in_step():
            raise RuntimeError("a step is already running in this task")
        async with self._queued(), self.sessions() as session:
            event.listen(session.sync_session, "after_flush", _count_flush)
            session.info[STEP_SESSION] = True
            token = _STEP.set((self, session))
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                _STEP.reset(token)
            for after_commit in session.info.pop(_AFTER_COMMIT, []):
                await after_commit()

    @asynccontextmanager
    async def _queued(self) -> AsyncIterator[None]:
        if self.queue is None:
            yield
            return
        async with self.queue.hold():
            yield

    async def dispose(self) -> None:
        await self.engine.dispose()
