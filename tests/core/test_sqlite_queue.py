"""SQLite under overload: every session, write, step and checkpoint of this process waits its turn in the file's
queue (core/db.py), so a bot batch that holds the write lock longer than SQLite's busy timeout makes the others
wait, never fail with "database is locked" — also a second Database on the same file (`koinotita run` gives the
bot and the console one each)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

import core.db
from core.db import Database
from core.models import BotState, utcnow

HOLD_S = 1.0  # the step holds the write lock this long: five times the busy timeout below


def row(key: str) -> BotState:
    return BotState(kind="test", key=key, data={"k": key}, updated_at=utcnow())


async def test_writers_wait_for_a_long_step_instead_of_failing(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    bot_db, console_db = Database(sqlite_url), Database(sqlite_url)
    holding = asyncio.Event()

    async def long_step() -> None:
        async with bot_db.step() as session:
            session.add(row("step"))
            await session.flush()  # the write lock is taken
            holding.set()
            await asyncio.sleep(HOLD_S)

    async def write(db: Database, key: str) -> None:
        await holding.wait()
        async with db.write() as session:
            session.add(row(key))

    async def session_commit(db: Database, key: str) -> None:
        await holding.wait()
        async with db.session() as session:
            session.add(row(key))
            await session.commit()

    async def checkpoint() -> None:
        await holding.wait()
        await console_db.checkpoint()

    try:
        await asyncio.gather(
            long_step(),
            write(bot_db, "bot write"),
            session_commit(bot_db, "bot session"),
            write(console_db, "console write"),
            session_commit(console_db, "console session"),
            checkpoint(),
        )
        async with bot_db.session() as session:
            count = await session.scalar(select(func.count()).select_from(BotState).where(BotState.kind == "test"))
        assert count == 5
    finally:
        await bot_db.dispose()
        await console_db.dispose()


async def test_a_block_inside_a_block_of_the_same_task_does_not_wait_for_itself(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with db.session() as outer:
            assert await outer.scalar(select(func.count()).select_from(BotState)) is not None
            await outer.commit()  # the outer block holds the queue but no longer SQLite's lock
            async with asyncio.timeout(5):
                async with db.write() as inner:
                    inner.add(row("inner"))
    finally:
        await db.dispose()
