"""Delivering announcements (core/announcements.py) at Telegram's pace, resumable after a crash.

The job takes pending deliveries in order and sends each through `app.bot` — so through the one rate limiter
(30 a second for the bot, retry_after honoured) — and records the outcome in its own small transaction as soon as
Telegram answers: `sent`, `blocked` (403: the citizen is marked unreachable too), or `failed` (400: Telegram
refuses the message itself; or network errors three times). A crash loses at most the row in flight: it is still
`pending` and is sent on the next run (if Telegram had accepted it just before the crash, that one citizen sees
it twice — the only case of a duplicate). Logs hold delivery ids and error classes, never texts or chats.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.ui import keyboard
from core import metrics
from core.announcements import (
    PendingDelivery,
    finish_sent_announcements,
    note_failed_attempt,
    pending_deliveries,
    record_delivery,
    text_for,
)
from core.booking.display import centre_name
from core.centres import get_centre
from core.models import utcnow
from core.models.announcement import BLOCKED, FAILED, SENT
from knowledge.answer import REGISTERS
from knowledge.messages import plain, t

log = logging.getLogger(__name__)
BATCH = 200
MAX_ATTEMPTS = 3


async def deliver_announcements(
    app: Any, now: datetime, *, budget: int = 10_000, senders: int | None = None
) -> dict[str, int]:
    """Send pending deliveries (at most `budget` in this run); returns counts by outcome.

    `senders` (default `KOINOTITA_ANNOUNCEMENT_SENDERS`, 1): deliveries in flight at once. One keeps the promise
    "each citizen once" to within the one message in flight at a crash; more reach Telegram's limit on a slow
    network, and a crash may then repeat up to that many messages."""
    db = app.services.db
    workers = max(1, senders if senders is not None else app.services.settings.announcement_senders)
    counts = {SENT: 0, BLOCKED: 0, FAILED: 0, "retry": 0}
    cache: dict[str, str] = {}  # texts and centre names by announcement/centre and register, for this run
    done = 0
    while done < budget and not counts["retry"]:
        async with db.session() as session:
            batch = await pending_deliveries(session, limit=min(BATCH, budget - done))
        if not batch:
            break
        queue: asyncio.Queue[PendingDelivery] = asyncio.Queue()
        for delivery in batch:
            queue.put_nowait(delivery)

        async def work(queue: asyncio.Queue[PendingDelivery]) -> None:
            # One connection per sender for the outcomes: a short transaction each.
            async with db.engine.connect() as recorder:
                while not queue.empty() and not counts["retry"]:
                    outcome = await _deliver_one(app, queue.get_nowait(), cache, recorder)
                    counts[outcome] += 1  # "retry": Telegram asked to slow down more than the limiter absorbs

        if workers == 1:
            await work(queue)
        else:
            try:
                async with asyncio.TaskGroup() as group:
                    for _ in range(min(workers, len(batch))):
                        group.create_task(work(queue))
            except BaseExceptionGroup as failed:  # the first failure, as with one sender
                raise failed.exceptions[0] from None
        done += len(batch) - queue.qsize()
    async with db.write() as session:
        await finish_sent_announcements(session, now=utcnow())
    return counts


async def _message(app: Any, delivery: PendingDelivery, register: str, cache: dict[str, str]) -> str:
    key = f"{delivery.announcement_id}/{register}"
    if key not in cache:
        async with app.services.db.session() as session:
            body = await text_for(session, delivery.announcement_id, register)
            centre = await get_centre(session, delivery.centre_id) if delivery.centre_id else None
        name = centre_name(centre, register) if centre else plain("ann_all_centres", register)
        cache[key] = t("ann_message", register, centre=name, text=body)
    return cache[key]


async def _deliver_one(app: Any, delivery: PendingDelivery, cache: dict[str, str], recorder: AsyncConnection) -> str:
    register = delivery.language if delivery.language in REGISTERS else "el"
    text = await _message(app, delivery, register, cache)
    markup = keyboard([[(plain("btn_ann_stop", register), f"an:off:{delivery.centre_id or '*'}")]])
    status: str
    error: str | None = None
    try:
        await app.bot.send_message(
            delivery.telegram_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
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
            await note_failed_attempt(recorder, delivery.id, error=type(exc).__name__)
            await recorder.commit()
            log.warning("announcement delivery %s failed (%s); will retry", delivery.id, type(exc).__name__)
            return "retry"
        status, error = FAILED, type(exc).__name__
    await record_delivery(recorder, delivery.id, status=status, now=utcnow(), error=error)
    await recorder.commit()
    metrics.ANNOUNCEMENT_MESSAGES.labels(status).inc()
    return status
