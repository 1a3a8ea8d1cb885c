"""Every update exactly once (docs/delivery.md): the inbox, one transaction per step, the outbox after commit.

1. `StepRunner.receive` stores updates in the inbox (`core.inbox.store`) and returns once they are committed —
   before the webhook answers 200 and before polling asks for the next updates (`InboxQueue`, the Application's
   update queue). Every string is cleaned first (bot/edge.py). Concurrent receives share one commit.
2. `StepRunner.run_batch` claims pending updates (per chat, in order; on PostgreSQL with per-chat advisory
   locks, so replicas never handle a chat at the same time) and handles each as a *step* inside ONE database
   transaction (`Database.step()`): the handler's own database work (joined as savepoints), the conversation
   states and user/chat data (bot/flow_state.py), the inbox rows' "done" marks and every Bot API call the
   handlers made (recorded by bot/step_bot.py) as outbox rows already marked `sending` by this process.
3. After the commit the batch's messages are sent, in order per chat (`send_recorded`); delivered rows are
   deleted in one statement. A failure leaves the rest of that chat's rows to the outbox loop
   (bot/outbox_delivery.py), with back-off; a process killed in between leaves them `sending` until the lease
   runs out, then the outbox loop sends them.
4. An update that fails every time (kills the process, or fails its step) is given up after `MAX_ATTEMPTS` tries
   instead of being tried forever; the citizen is told kindly (bot/poison.py).
A crash anywhere therefore leaves either the step done with its messages queued, or nothing done and the update
still pending; a stored update whose step committed is never handled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, delete, insert, select, text, update
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot import poison
from bot.edge import MAX_TEXT_CHARS, clean_payload, too_long
from bot.flow_state import StateStore, reset_store, use_store
from bot.step_bot import RecordedCall, Recorder, StepBot, start_recording, stop_recording
from core import inbox
from core.handoff import note_chats_without_open_conversation
from core.models import utcnow
from core.models.handoff import OutboxMessage
from core.outbox import backoff
from knowledge.messages import t

if TYPE_CHECKING:
    from bot.services import KoinotitaApplication

log = logging.getLogger(__name__)
BATCH = 50  # updates handled in one transaction at most, with replicas
# SQLite (one process): more per transaction, so that claims, state loads, outbox inserts and wave commits are
# shared by more updates; with a backlog the first answer of a batch waits for its steps (~1 ms each), at most
# ~0.2 s more (docs/delivery.md "What a step costs").
SQLITE_BATCH = 200
# SQLite (one process): a chat gives at most this many updates to a batch, the rest come in the next one, in order.
# A batch's answers go out in waves, one message per chat and one short commit per wave (docs/delivery.md): more
# chats with fewer updates each means fewer waves and commits per update, and one busy chat does not fill a batch.
# When more chats wait than a batch holds at this share, each gives fewer, down to one (`core.inbox.claim`).
# With replicas a chat's pending updates are taken whole, so that the next ones are not claimed by another replica
# while this one's answers are still being sent (they would then wait in the outbox behind them).
SQLITE_PER_CHAT = 3
PURGE_EVERY_S = 600.0
IDLE_POLL_S = 0.2  # with replicas, how often an idle runner looks for updates another process stored


def chat_key_of(update: Update) -> int | None:
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


def replica_name() -> str:
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# Reads, for a whole batch in one query, what handlers would otherwise read citizen by citizen in their first step:
# called with the step's session, the batch's store (to `keep_read_ahead` into) and the ids of its users.
BatchReader = Callable[[Any, StateStore, list[int]], Awaitable[None]]


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]


class StepRunner:
    def __init__(self, app: KoinotitaApplication) -> None:
        self.app = app
        self.db = app.services.db
        self.replicas = not self.db.is_sqlite
        self.name = replica_name()
        self.wake = asyncio.Event()
        self._buffer: list[tuple[inbox.Incoming, asyncio.Future[None]]] = []
        self._flushing = False

    # -- 1. receiving -------------------------------------------------------------------------------------
    async def receive(self, update: Update) -> None:
        """Durable when this returns. Concurrent calls are stored together, in one commit."""
        item = inbox.Incoming(update.update_id, chat_key_of(update), clean_payload(update.to_dict()))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._buffer.append((item, done))
        if not self._flushing:
            self._flushing = True
            try:
                while self._buffer:
                    batch, self._buffer = self._buffer, []
                    try:
                        async with self.db.write() as session:
                            await inbox.store(session, [i for i, _ in batch], now=utcnow())
                    except BaseException:
                        self._buffer[:0] = batch  # failed with everything queued behind it
                        raise
                    for _, future in batch:
                        future.set_result(None)
            except BaseException as exc:
                for _, future in self._buffer:
                    if future is not done and not future.done():
                        future.set_exception(exc)
                self._buffer = []
                raise
            finally:
                self._flushing = False
        await done  # stored by another caller's commit
        self.wake.set()

    # -- 2. handling -------------------------------------------------------------------------------------
    async def run_batch(self, *, chat_keys: Sequence[int] | None = None, limit: int | None = None) -> int:
        """Handle pending updates in one transaction, then send what they said; returns how many."""
        await self.app.services.refresh_routing()  # at most once a minute; outside the step, which it need not hold
        claimed: list[inbox.PendingUpdate] = []
        try:
            async with self.db.step() as session:
                claimed = await inbox.claim(
                    session,
                    replicas=self.replicas,
                    chat_keys=chat_keys,
                    limit=limit or (SQLITE_BATCH if self.db.is_sqlite else BATCH),
                    per_chat=SQLITE_PER_CHAT if self.db.is_sqlite else None,
                )
                if not claimed:
                    return 0
                await poison.count_attempt(self.db, session, claimed)  # durable before anything is tried
                rows, behind = await self._handle(session, claimed)
        except Exception as exc:
            await poison.take_back_attempt(self.db, [p.id for p in claimed], exc)
            raise
        await self.send_recorded([r for r in rows if r.chat_id not in behind])
        return len(claimed)

    async def _handle(self, session: Any, claimed: list[inbox.PendingUpdate]) -> tuple[list[OutboxRow], set[int]]:
        """The claimed updates' steps, in the step's transaction: their messages queued, and the chats whose
        messages wait behind an earlier step's. An update tried `MAX_ATTEMPTS` times is given up (bot/poison.py)."""
        app = self.app
        recorded: list[RecordedCall] = []
        pending = [p for p in claimed if p.attempts < inbox.MAX_ATTEMPTS]
        given_up = [p for p in claimed if p.attempts >= inbox.MAX_ATTEMPTS]
        updates = [Update.de_json(p.payload, app.bot) for p in pending]
        await note_chats_without_open_conversation(session, {p.chat_key for p in pending if p.chat_key})
        store = StateStore(app.flow_names())
        users = [u.effective_user.id for u in updates if u.effective_user]
        await store.load(
            session,
            users=users + [p.chat_key for p in given_up if p.chat_key is not None],
            chats=[u.effective_chat.id for u in updates if u.effective_chat],
            keys=[k for k in map(app.conversation_key, updates) if k is not None],
        )
        for reader in app.batch_readers:
            await reader(session, store, users)
        token = use_store(store)
        try:
            for item, update_ in zip(pending, updates, strict=True):
                recorded.extend(await self._step(update_, item, store))
        finally:
            reset_store(token)
        if given_up:
            recorded.extend(await poison.give_up(app, session, store, given_up))
        await store.save(session)
        now = utcnow()
        await inbox.mark_done(session, [p.id for p in pending], now=now)
        if store.erased:  # /forget: not even the ids of the handled updates stay
            await inbox.forget_chats(session, sorted(store.erased))
        behind = await undelivered_chats(session, {c.chat_id or 0 for c in recorded})
        return await self._queue(session, recorded, now, behind), behind

    async def _step(self, update_: Update, item: inbox.PendingUpdate, store: StateStore) -> list[RecordedCall]:
        app = self.app
        user, chat = update_.effective_user, update_.effective_chat
        user_data = app.user_data[user.id] if user is not None else None
        chat_data = app.chat_data[chat.id] if chat is not None else None
        if user_data is not None and user is not None:
            user_data.clear()
            user_data.update(store.user_data(user.id))
        if chat_data is not None and chat is not None:
            chat_data.clear()
            chat_data.update(store.chat_data(chat.id))
        recorder = Recorder(chat_id=item.chat_key)
        token = start_recording(recorder)
        try:
            if too_long(item.payload) and chat is not None:
                register = str((user_data or {}).get("lang") or "el")
                await app.bot.send_message(
                    chat.id, t("too_long", register, limit=MAX_TEXT_CHARS), parse_mode=ParseMode.HTML
                )
            else:
                await app.dispatch(update_)
        finally:
            stop_recording(token)
            # What PTB keeps in memory is only a view of the last step (never read as the truth: every step
            # loads the stored data first), left in place for `Application.user_data` readers.
            if user_data is not None and user is not None:
                store.keep_user_data(user.id, user_data)
            if chat_data is not None and chat is not None:
                store.keep_chat_data(chat.id, chat_data)
            if user is not None:
                store.step_done(user.id)
        return recorder.calls

    async def _queue(self, session: Any, calls: list[RecordedCall], now: datetime, behind: set[int]) -> list[OutboxRow]:
        """The recorded calls as outbox rows, already claimed by this process (`sending`) — except in chats
        where an earlier step's messages are still undelivered (a dead process's, a failed send): those wait their
        turn in the outbox loop, so a chat's answers are never shown out of order."""
        rows = [
            {
                "chat_id": c.chat_id or 0,
                "kind": "bot",
                "method": c.method,
                "payload": c.payload,
                "status": "pending" if (c.chat_id or 0) in behind else "sending",
                "attempts": 0 if (c.chat_id or 0) in behind else 1,
                "next_attempt_at": now,
                "claimed_at": None if (c.chat_id or 0) in behind else now,
                "claimed_by": None if (c.chat_id or 0) in behind else self.name,
                "created_at": now,
            }
            for c in calls
        ]
        if not rows:
            return []
        ids = await insert_returning_ids(session, rows, sqlite=self.db.is_sqlite)
        return [OutboxRow(i, c.chat_id or 0, c.method, c.payload) for i, c in zip(ids, calls, strict=True)]

    # -- 3. sending --------------------------------------------------------------------------------------
    async def send_recorded(self, rows: list[OutboxRow]) -> None:
        """Send in waves: the next message of every chat at once, then one short transaction marks that wave
        (delivered rows deleted). A process killed mid-wave can repeat at most the one message per chat that
        Telegram accepted just before (docs/delivery.md)."""
        queues: dict[int, list[OutboxRow]] = {}
        for row in rows:
            queues.setdefault(row.chat_id, []).append(row)
        real_ids: dict[int, dict[int, int]] = {chat: {} for chat in queues}
        while queues:
            wave = {chat: queue.pop(0) for chat, queue in queues.items()}
            outcomes = await asyncio.gather(*(self._send_one(row, real_ids[chat]) for chat, row in wave.items()))
            delivered: list[int] = []
            later: list[tuple[list[int], timedelta, str]] = []
            for (chat, row), outcome in zip(wave.items(), outcomes, strict=True):
                if outcome is None:
                    delivered.append(row.id)
                    if not queues[chat]:
                        del queues[chat]
                    continue
                delay, error = outcome
                later.append(([row.id, *(r.id for r in queues.pop(chat))], delay, error))
            await self._mark(delivered, later)

    async def _mark(self, delivered: list[int], later: list[tuple[list[int], timedelta, str]]) -> None:
        async with self.db.write() as session:
            if not self.db.is_sqlite:  # a mark lost with a PostgreSQL crash only repeats a message: no fsync wait
                await session.execute(text("SET LOCAL synchronous_commit = off"))
            if delivered:
                await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(delivered)))
            now = utcnow()
            for ids, delay, error in later:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids))
                    .values(status="pending", claimed_by=None, next_attempt_at=now + delay, last_error=error)
                )

    async def _send_one(self, row: OutboxRow, real_ids: dict[int, int]) -> tuple[timedelta, str] | None:
        """None when the row is done with (delivered, or refused for good); else the delay and the error class
        after which the outbox loop tries it (and the rest of its chat) again."""
        bot = self.app.bot
        assert isinstance(bot, StepBot)
        try:
            await bot.deliver(row.method, row.payload, real_ids)
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            return timedelta(seconds=seconds), "RetryAfter"
        except (Forbidden, BadRequest) as exc:  # blocked, chat gone, message refused: retrying cannot help
            log.warning("outbox %s (%s): given up (%s)", row.id, row.method, type(exc).__name__)
        except TelegramError as exc:  # network trouble, Telegram's 5xx: the outbox loop tries again
            return backoff(1), type(exc).__name__
        return None


async def insert_returning_ids(session: Any, rows: list[dict[str, Any]], *, sqlite: bool) -> list[int]:
    """Insert outbox rows in one statement; their ids in the order of `rows`. PostgreSQL keeps the order itself
    (SQLAlchemy's ordered insertmanyvalues); on SQLite that option costs one statement per row, so the ids are
    sorted instead: one INSERT assigns increasing ids to its VALUES rows in order, and the step holds the write
    lock (nothing else inserts in between)."""
    table = cast(
        Table, OutboxMessage.__table__
    )  # the table, not the class: the ORM's per-row bookkeeping cost ~0.2 ms a row
    if not sqlite:
        result = await session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return [int(r[0]) for r in result.all()]
    result = await session.execute(insert(table).returning(table.c.id), rows)
    return sorted(int(r[0]) for r in result.all())


async def undelivered_chats(session: Any, chats: set[int]) -> set[int]:
    """The chats among `chats` with an earlier step's message still waiting in the outbox. (Staff replies and
    notices are not in this order: they come when staff send them, and a queued one must not hold up answers.)"""
    if not chats:
        return set()
    query = (
        select(OutboxMessage.chat_id)
        .where(
            OutboxMessage.chat_id.in_(sorted(chats)),
            OutboxMessage.kind == "bot",
            OutboxMessage.status.in_(("pending", "sending")),
        )
        .distinct()
    )
    return {int(c) for c in (await session.execute(query)).scalars().all()}


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update put here (by PTB's webhook server or its polling loop) is in
    the inbox when `put` returns, so PTB acknowledges it only then; the runners take it from the inbox. Anything
    else (PTB's stop signal) is queued as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.runner: StepRunner | None = None

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.runner is not None:
            await self.runner.receive(item)
            return
        await super().put(item)


async def run_inbox_loop(app: KoinotitaApplication, *, stop: asyncio.Event | None = None) -> None:
    """Handle pending updates until cancelled (or `stop` is set); wakes when an update is received here and,
    with replicas, looks every `IDLE_POLL_S` for updates other processes received."""
    runner = app.runner
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    next_purge = loop.time() + PURGE_EVERY_S
    while not stop.is_set():
        try:
            if loop.time() >= next_purge:  # handled updates' ids are kept two days to recognise redeliveries
                next_purge = loop.time() + PURGE_EVERY_S
                async with runner.db.write() as session:
                    await inbox.purge_done(session, now=utcnow())
            handled = await runner.run_batch()
        except Exception as exc:  # the database is away: nothing was lost, try again shortly
            log.error("inbox round failed: %s", type(exc).__name__)
            await asyncio.sleep(1.0)
            continue
        if handled:
            continue
        runner.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runner.wake.wait(), timeout=IDLE_POLL_S if runner.replicas else 1.0)
