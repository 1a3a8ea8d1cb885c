"""Delivering announcements (core/announcements.py) at Telegram's pace, resumable after a crash.

The job takes pending deliveries in order and sends each through `app.bot` — so through the one rate limiter
(30 a second for the bot, retry_after honoured). Outcomes — `sent`, `blocked` (403: the citizen is marked
unreachable too), `failed` (400: Telegram refuses the message itself; or network errors three times) — are
committed by an `OutcomeRecorder` in the background, several in one statement when they come faster than a
commit, and every message waits, once its turn has come and right before it goes to Telegram, until the outcomes
before it are committed (`bot.rate_limit.send_after`). So recording costs no time between messages (the commit
runs while the next message waits for its slot), and a crash still leaves at most the one message in flight
unrecorded: it is `pending` and is sent on the next run (if Telegram had accepted it just before the crash, that
one citizen sees it twice — the only case of a duplicate). Citizens already marked unreachable are recorded
`blocked` before each batch, with no call to Telegram. Logs hold delivery ids and error classes, never texts or
chats.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.rate_limit import send_after
from bot.reachability import limiter_of
from bot.ui import keyboard
from core import metrics
from core.announcements import (
    Outcome,
    PendingDelivery,
    finish_sent_announcements,
    note_failed_attempt,
    pending_deliveries,
    record_outcomes,
    skip_unreachable,
    text_for,
)
from core.booking.display import centre_name
from core.centres import get_centre
from core.db import Database
from core.models import utcnow
from core.models.announcement import BLOCKED, FAILED, SENT
from knowledge.answer import REGISTERS
from knowledge.messages import plain, t

log = logging.getLogger(__name__)
BATCH = 200
MAX_ATTEMPTS = 3


class OutcomeRecorder:
    """Commits outcomes in the background: whatever has come since the last commit, in one transaction.
    `durable()` returns once every outcome added before the call is committed (or raises what failed)."""

    def __init__(self, db: Database, connection: AsyncConnection) -> None:
        self.db = db
        self.connection = connection  # one for the run: no pool checkout and reset per commit
        self._waiting: list[Outcome] = []
        self._added = 0
        self._committed = 0
        self._task: asyncio.Task[None] | None = None
        self._error: Exception | None = None
        self.commits = 0

    def add(self, outcome: Outcome) -> None:
        self._waiting.append(outcome)
        self._added += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())

    async def durable(self) -> None:
        target = self._added
        while self._committed < target:
            if self._error is not None:
                raise self._error
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._flush())
            await asyncio.shield(self._task)

    async def _flush(self) -> None:
        while self._waiting and self._error is None:
            batch, self._waiting = self._waiting, []
            try:
                if not self.db.is_sqlite:  # lost with a PostgreSQL crash, a record only repeats a message
                    await self.connection.execute(sql("SET LOCAL synchronous_commit = off"))
                await record_outcomes(self.connection, batch, now=utcnow())
                await self.connection.commit()
            except Exception as exc:  # the database is away: the run stops; the rows stay pending
                log.error("recording announcement outcomes failed: %s", type(exc).__name__)
                self._error = exc
                return
            self._committed += len(batch)
            self.commits += 1
            for outcome in batch:
                metrics.ANNOUNCEMENT_MESSAGES.labels(outcome.status).inc()


async def deliver_announcements(
    app: Any, now: datetime, *, budget: int = 10_000, senders: int | None = None
) -> dict[str, int]:
    """Send pending deliveries (at most `budget` in this run); returns counts by outcome.

    `senders` (default `KOINOTITA_ANNOUNCEMENT_SENDERS`, 1): deliveries in flight at once. One keeps the promise
    "each citizen once" to within the one message in flight at a crash; more help only on a slow network (the
    commit already overlaps the wait for the next slot), and a crash may then repeat up to that many messages."""
    db = app.services.db
    workers = max(1, senders if senders is not None else app.services.settings.announcement_senders)
    counts = {SENT: 0, BLOCKED: 0, FAILED: 0, "retry": 0}
    async with db.engine.connect() as connection:
        recorder = OutcomeRecorder(db, connection)
        await _deliver_pending(app, recorder, counts, budget=budget, workers=workers)
    async with db.write() as session:
        await finish_sent_announcements(session, now=utcnow())
    return counts


async def _deliver_pending(
    app: Any, recorder: OutcomeRecorder, counts: dict[str, int], *, budget: int, workers: int
) -> None:
    db = app.services.db
    cache: dict[str, str] = {}  # texts and centre names by announcement/centre and register, for this run
    done = 0
    while done < budget and not counts["retry"]:
        async with db.write() as session:
            counts[BLOCKED] += await skip_unreachable(session)
            batch = await pending_deliveries(session, limit=min(BATCH, budget - done))
        if not batch:
            break
        queue: asyncio.Queue[PendingDelivery] = asyncio.Queue()
        for delivery in batch:
            queue.put_nowait(delivery)

        async def work(queue: asyncio.Queue[PendingDelivery]) -> None:
            while not queue.empty() and not counts["retry"]:
                outcome = await _deliver_one(app, queue.get_nowait(), cache, recorder)
                counts[outcome] += 1  # "retry": Telegram asked to slow down more than the limiter absorbs

        try:
            if workers == 1:
                await work(queue)
            else:
                try:
                    async with asyncio.TaskGroup() as group:
                        for _ in range(min(workers, len(batch))):
                            group.create_task(work(queue))
                except BaseExceptionGroup as failed:  # the first failure, as with one sender
                    raise failed.exceptions[0] from None
        except Exception:
            await _record_what_is_known(recorder)
            raise
        await recorder.durable()  # the next batch is read from the database: nothing in flight may look pending
        done += len(batch) - queue.qsize()


async def _record_what_is_known(recorder: OutcomeRecorder) -> None:
    try:
        await recorder.durable()
    except Exception as exc:
        log.error("announcement outcomes not recorded: %s", type(exc).__name__)


async def _message(app: Any, delivery: PendingDelivery, register: str, cache: dict[str, str]) -> str:
    key = f"{delivery.announcement_id}/{register}"
    if key not in cache:
        async with app.services.db.session() as session:
            body = await text_for(session, delivery.announcement_id, register)
            centre = await get_centre(session, delivery.centre_id) if delivery.centre_id else None
        name = centre_name(centre, register) if centre else plain("ann_all_centres", register)
        cache[key] = t("ann_message", register, centre=name, text=body)
    return cache[key]


async def _deliver_one(app: Any, delivery: PendingDelivery, cache: dict[str, str], recorder: OutcomeRecorder) -> str:
    register = delivery.language if delivery.language in REGISTERS else "el"
    text = await _message(app, delivery, register, cache)
    markup = keyboard([[(plain("btn_ann_stop", register), f"an:off:{delivery.centre_id or '*'}")]])
    status: str
    error: str | None = None
    if limiter_of(app) is None:  # no limiter to wait in: the previous outcomes are committed first, here
        await recorder.durable()
    try:
        async with send_after(recorder.durable):
            await app.bot.send_message(
                delivery.telegram_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        status = SENT
    except Forbidden as exc:
        status, error = BLOCKED, type(exc).__name__
    except BadRequest as exc:
        status, error = FAILED, type(exc).__name__
    except RetryAfter:
        log.warning("announcement delivery %s: Telegram asked to wait; resuming on the next run", delivery.id)
        return "retry"
    except TelegramError as exc:
        if delivery.attempts + 1 < MAX_ATTEMPTS:
            await recorder.durable()
            await note_failed_attempt(recorder.connection, delivery.id, error=type(exc).__name__)
            await recorder.connection.commit()
            log.warning("announcement delivery %s failed (%s); will retry", delivery.id, type(exc).__name__)
            return "retry"
        status, error = FAILED, type(exc).__name__
    recorder.add(Outcome(delivery.id, status, error))
    return status
