"""The product's scheduled jobs (run by bot/scheduler.py): what runs, how often, once across replicas or not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.outbox_delivery import ROUND_SECONDS, deliver_outbox
from bot.reminders import deliver_reminders, expire_and_offer
from bot.scheduler import Counts, Job

PURGE = "retention_purge"
WAITING_LIST = "waiting_list"
REMINDERS = "reminders"
OUTBOX = "outbox"


async def run_purge(app: Any, now: datetime) -> Counts:
    from core.privacy import purge_expired

    async with app.services.db.write() as session:
        return dict(await purge_expired(session, now))


async def run_waiting_list(app: Any, now: datetime) -> Counts:
    released, offered = await expire_and_offer(app, now)
    return {"holds_released": released, "offers_sent": offered}


async def run_reminders(app: Any, now: datetime) -> Counts:
    return {"reminders_sent": await deliver_reminders(app, now)}


async def run_outbox(app: Any, now: datetime) -> Counts:
    return {"delivered": await deliver_outbox(app, now)}


def product_jobs() -> list[Job]:
    return [
        Job(PURGE, run_purge, every=timedelta(days=1), lease=timedelta(hours=1), poll_s=300.0),
        Job(WAITING_LIST, run_waiting_list, every=timedelta(minutes=1)),
        Job(REMINDERS, run_reminders, every=timedelta(minutes=1)),
        # Staff replies: every replica delivers (claiming rows in core/outbox.py keeps each once).
        Job(OUTBOX, run_outbox, every=timedelta(seconds=ROUND_SECONDS), exclusive=False),
    ]
