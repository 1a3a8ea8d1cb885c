"""A fault hook for crash tests: it counts the bot's await points — every statement and commit sent to the
database, every call to the Bot API both before it reaches Telegram and after Telegram accepted it — and
"kills the process" at the Nth: it raises `Crash`, a BaseException nothing in the bot catches. The test then
drops that Application (as a dead process is gone) and starts a new one on the same database and the same
stand-in of Telegram (the citizen's phone keeps what it received)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.local_api import RecordingBotApi
from core.db import Database


class Crash(BaseException):
    """The process died here."""


class FaultHook:
    def __init__(self) -> None:
        self.count = 0
        self.crash_at: int | None = None
        self.fired: str | None = None
        self.accepted = 0  # messages Telegram accepted in this attempt (a crash after one may repeat it)

    def arm(self, crash_at: int | None) -> None:
        self.count, self.crash_at, self.fired, self.accepted = 0, crash_at, None, 0

    def point(self, where: str) -> None:
        if self.crash_at is None:
            return
        self.count += 1
        if self.count == self.crash_at and self.fired is None:
            self.fired = where
            raise Crash(where)

    def attach(self, db: Database) -> None:
        def on_statement(*_args: Any) -> None:
            self.point("db")

        def on_commit(*_args: Any) -> None:
            self.point("commit")

        event.listen(db.engine.sync_engine, "before_cursor_execute", on_statement)
        event.listen(db.engine.sync_engine, "commit", on_commit)


class FaultyBotApi(RecordingBotApi):
    """The stand-in of Telegram with the hook on every call (before and after Telegram handles it)."""

    def __init__(self, hook: FaultHook) -> None:
        super().__init__()
        self.hook = hook

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        self.hook.point("net-before")
        result = await super().do_request(url, method, request_data, *args, **kwargs)
        if url.rsplit("/", 1)[-1].startswith("send"):
            self.hook.accepted += 1
        self.hook.point("net-after")
        return result
