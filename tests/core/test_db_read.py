"""`Database.read()` (core/db.py): a block that only reads joins a running step as the step's own session, with
no savepoint to open and release; outside a step it is a session of its own. SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, func, select

from core.db import Database
from core.models import BotState


async def test_a_read_in_a_step_uses_the_step_session_without_a_savepoint(database: Database) -> None:
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with database.step() as step:
            async with database.read() as session:
                assert session is step  # the step's own session, not a joined block
                await session.scalar(select(func.count()).select_from(BotState))
            async with database.session() as joined:
                await joined.scalar(select(func.count()).select_from(BotState))
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
    assert sum("SAVEPOINT" in s and "RELEASE" not in s for s in statements) == 1  # the session() block's only
    async with database.read() as outside:  # outside a step: a session of its own
        assert await outside.scalar(select(func.count()).select_from(BotState)) == 0
