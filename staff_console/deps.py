"""Request-scoped dependencies: the database session and the clock (tests pass their own clock to create_app)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.db
    async with database.session() as session:
        yield session


def now_of(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


DbSession = Annotated[AsyncSession, Depends(db_session)]
Now = Annotated[datetime, Depends(now_of)]
