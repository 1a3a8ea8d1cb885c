"""Live updates for open pages (Server-Sent Events).

One `LiveHub` per console process polls a cheap signature of the database (newest message, outbox queue, newest
intake, newest non-view audit event) every `interval` seconds, and only while someone listens. When the signature
changes it wakes every open stream, and each stream works out, within its viewer's scope, what changed for its
page. The bot may run in another process: the database is the only channel, so polling it is what works on
SQLite and PostgreSQL alike, and the cost is one small query per interval whatever the number of open pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select

from core.db import Database
from core.models import AuditEvent
from core.models.handoff import HandoffMessage, OutboxMessage
from core.models.intake import Intake

T = TypeVar("T")


class LiveHub:
    def __init__(self, database: Database, *, interval: float = 0.25) -> None:
        self.database = database
        self.interval = interval
        self.version = 0
        self._signature: tuple[Any, ...] | None = None
        self._changed = asyncio.Event()
        self._listeners = 0
        self._task: asyncio.Task[None] | None = None
        self._shared: dict[tuple[Hashable, ...], asyncio.Future[Any]] = {}

    async def signature(self) -> tuple[Any, ...]:
        async with self.database.session() as session:
            row = (
                await session.execute(
                    select(
                        select(func.max(HandoffMessage.id)).scalar_subquery(),
                        select(func.max(OutboxMessage.id)).scalar_subquery(),
                        # The delivery queue is small and indexed (status, next_attempt_at): a sent or failed
                        # message leaves it.
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.status.in_(("pending", "sending")))
                        .scalar_subquery(),
                        select(func.max(Intake.id)).scalar_subquery(),
                        select(func.max(AuditEvent.id)).where(AuditEvent.action != "view").scalar_subquery(),
                    )
                )
            ).one()
        return tuple(row)

    async def _poll(self) -> None:
        while True:
            try:
                current = await self.signature()
            except Exception:  # a database hiccup must not end live updates; the next round tries again
                current = self._signature or ()
            if current != self._signature:
                self._signature = current
                self.version += 1
                self._changed.set()
                self._changed = asyncio.Event()
            await asyncio.sleep(self.interval)

    def join(self) -> None:
        self._listeners += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll())

    async def leave(self) -> None:
        self._listeners -= 1
        if self._listeners <= 0 and self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._listeners = 0

    async def wait(self, seen: int, timeout: float) -> int:
        """The version after `seen` (at once if there is one already), or `seen` after `timeout` seconds."""
        if self.version != seen:
            return self.version
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)
        return self.version

    async def shared(self, key: tuple[Hashable, ...], compute: Callable[[], Awaitable[T]]) -> T:
        """One computation per key and version, awaited by every stream that needs it: fifty pages open on one
        conversation cost one set of queries per change, not fifty."""
        if self._task is None:  # nobody streams, so versions do not move: nothing may be kept
            return await compute()
        version = self.version
        full = (version, *key)
        future = self._shared.get(full)
        if future is None:
            if len(self._shared) > 2000:
                self._shared = {k: v for k, v in self._shared.items() if k[0] == version}
            future = asyncio.ensure_future(compute())
            self._shared[full] = future
        result: T = await asyncio.shield(future)
        return result

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def sse(event: str, data: Any) -> str:
    """One Server-Sent Event; data is JSON on one line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
