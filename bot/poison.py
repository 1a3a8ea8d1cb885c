"""Poison updates (docs/delivery.md): an update whose handling fails every time — an exception the step cannot
survive, or one that kills the process — is not tried forever.

- Before a batch is handled, `count_attempt` records one more try of each of its updates, *durably*: on SQLite the
  step commits that much at once and goes on in a new transaction (the step still holds this process's write
  queue); on PostgreSQL another connection commits it (the step's transaction holds only advisory locks, no row
  locks, so nothing waits on anything). A process that dies in the step has therefore counted the try.
- An update tried before is handled alone (core/inbox.py), so only the one that keeps failing gathers tries.
- From `MAX_ATTEMPTS` tries on, `give_up` handles it by not handling it: the row is marked `failed` (its payload
  dropped), the citizen is told kindly that the message could not be handled and may be sent again, a warning is
  logged (the update's id and the count, nothing the citizen wrote) and `koinotita_inbox_given_up` counts it;
  `/metrics` also shows the failed updates kept (two days) and the inbox backlog.
- A database that is away is not the update's fault: when the batch failed on the connection (or SQLite's busy
  timeout), the try is taken back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text, update
from sqlalchemy.exc import InterfaceError, OperationalError
from telegram.constants import ParseMode

from bot.flow_state import StateStore
from bot.step_bot import RecordedCall, Recorder, start_recording, stop_recording
from core import inbox, metrics
from core.models import utcnow
from core.models.inbox import InboxUpdate
from knowledge.messages import t

if TYPE_CHECKING:
    from bot.services import KoinotitaApplication
    from core.db import Database

log = logging.getLogger(__name__)
NOT_THE_UPDATES_FAULT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


async def count_attempt(db: Database, session: Any, pending: list[inbox.PendingUpdate]) -> None:
    ids = [p.id for p in pending]
    if db.is_sqlite:
        await inbox.count_attempt(session, ids)
        await session.commit()  # the step goes on in a new transaction; this process's queue is still held
        return
    async with db.sessions() as other:
        await other.execute(text("SET LOCAL synchronous_commit = off"))  # lost in a crash: one try uncounted
        await inbox.count_attempt(other, ids)
        await other.commit()


async def take_back_attempt(db: Database, ids: list[int], error: BaseException) -> None:
    """The batch failed because the database was away (not because of an update): its try does not count."""
    if not ids or not isinstance(error, NOT_THE_UPDATES_FAULT):
        return
    try:
        async with db.write() as session:
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.id.in_(ids), InboxUpdate.status == "pending", InboxUpdate.attempts > 0)
                .values(attempts=InboxUpdate.attempts - 1)
            )
    except Exception:  # still away: the count stays, and MAX_ATTEMPTS leaves room for that
        log.warning("inbox: could not take back the try of %d updates", len(ids))


async def give_up(
    app: KoinotitaApplication, session: Any, store: StateStore, given_up: list[inbox.PendingUpdate]
) -> list[RecordedCall]:
    """Mark these updates failed and tell each citizen kindly; returns the messages to queue."""
    calls: list[RecordedCall] = []
    for item in given_up:
        log.warning("inbox: update %s given up after %d attempts", item.update_id, item.attempts)
        metrics.INBOX_GIVEN_UP.inc()
        if item.chat_key is None:
            continue
        register = str(store.user_data(item.chat_key).get("lang") or "el")  # a private chat's id is its user's
        recorder = Recorder(chat_id=item.chat_key)
        token = start_recording(recorder)
        try:
            await app.bot.send_message(item.chat_key, t("update_given_up", register), parse_mode=ParseMode.HTML)
        finally:
            stop_recording(token)
        calls.extend(recorder.calls)
    await inbox.give_up(session, [p.id for p in given_up], now=utcnow())
    return calls
