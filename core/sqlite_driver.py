"""aiosqlite as SQLAlchemy drives it, in one trip to the connection's thread per statement.

aiosqlite runs every call of the sqlite3 module in a thread of its own; SQLAlchemy's adapter makes four such calls
per statement (create a cursor, execute, fetch the rows, close the cursor), and each trip costs a thread handoff —
on a small machine ~75 µs of CPU and ~200 µs of wall time, far more than SQLite takes to run the statement. Here
the cursor SQLAlchemy gets does all four in the thread at once: `execute` runs the statement, reads every row and
closes the sqlite3 cursor, and the fetches return the rows already read. Statements still run one at a time in the
connection's own thread, so SQLite and its busy timeout behave exactly as before (bench/delivery measured the
difference: docs/delivery.md).

Rows are read whole, as SQLAlchemy's adapter already did for every non-streaming result; nothing here streams.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

_Outcome = tuple[list[Any], Any, int, int | None]


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses; every statement is one trip to the thread."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self._next = 0
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def _run(self, sql: str, parameters: Any, *, many: bool) -> OneTripCursor:
        outcome: _Outcome = await self._connection._execute(
            _run, self._connection._conn, sql, parameters if parameters is not None else (), many
        )
        self._rows, self.description, self.rowcount, self.lastrowid = outcome
        self._next = 0
        return self

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        return await self._run(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        return await self._run(sql, parameters, many=True)

    async def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        end = self._next + (size or self.arraysize)
        rows, self._next = self._rows[self._next : end], min(end, len(self._rows))
        return rows

    async def fetchall(self) -> Sequence[Any]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._rows, self._next = [], 0


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's Connection whose cursors are `OneTripCursor`s (creating one needs no trip)."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]  # aiosqlite's is awaited; SQLAlchemy enters it
        return OneTripCursor(self)


def one_trip_creator(database: str, *, timeout: float) -> Callable[[], Any]:
    """For `create_async_engine(async_creator=...)`: a connection to the SQLite file `database`."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, database, timeout=timeout), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        await connection  # starts the thread and opens the file
        return connection

    return connect
