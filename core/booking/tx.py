"""The transaction every booking write runs in: `Database.write()`, queued fairly in-process on SQLite.

SQLite has one writer at a time; a connection that finds the lock taken polls with growing sleeps until its
busy timeout, which is unfair: under a burst (50 clients) some writers starve for seconds and can time out. An
asyncio.Lock per database file (FIFO, `Database.queue`, taken by every session, write and step) queues this
process's writers before they ask SQLite for the lock, so they never poll against each other. Other processes are
still covered by BEGIN IMMEDIATE and the busy timeout. PostgreSQL needs no queue: row locks wait in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database


@asynccontextmanager
async def booking_write(db: Database) -> AsyncIterator[AsyncSession]:
    """Inside a bot step (`Database.step()`) the write joins the step's transaction, which already holds the
    queue and the lock."""
    async with db.write() as session:  # on SQLite, write() waits in the database's queue (core/db.py)
        yield session
