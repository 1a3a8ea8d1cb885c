"""The product's scheduled jobs (run by bot/scheduler.py): what runs, how often, once across replicas or not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.announcements import deliver_announcements
from bot.outbox_delivery import ROUND_SECONDS, deliver_outbox
from bot.reachability import refresh_unreachable
from bot.reminders import deliver_reminders, expire_and_offer
from bot.scheduler import Counts, Job

PURGE = "retention_purge"
WAITING_LIST = "waiting_list"
REMINDERS = "reminders"
OUTBOX = "outbox"
ANNOUNCEMENTS = "announcements"


async def run_purge(app: Any, now: datetime) -> Counts:
    from core.announcements import purge_old_deliveries
    from core.retention import purge_expired

    async with app.services.db.write() as session:
        counts = dict(await purge_expired(session, now))
        counts["announcement_delivery"] = await purge_old_deliveries(session, now=now)
    await app.services.db.checkpoint()
    return counts


async def run_waiting_list(app: Any, now: datetime) -> Counts:
    released, offered = await expire_and_offer(app, now)
    return {"holds_released": released, "offers_sent": offered}


async def run_reminders(app: Any, now: datetime) -> Counts:
    return {"reminders_sent": await deliver_reminders(app, now)}


async def run_outbox(app: Any, now: datetime) -> Counts:
    await refresh_unreachable(app, app.services.db)  # every 30 s: what other replicas learnt
    return {"delivered": await deliver_outbox(app, now)}


async def run_announcements(app: Any, now: datetime) -> Counts:
    return await deliver_announcements(app, now)


def product_jobs() -> list[Job]:
    return [
        Job(PURGE, run_purge, every=timedelta(days=1), lease=timedelta(hours=1), poll_s=300.0),
        Job(WAITING_LIST, run_waiting_list, every=timedelta(minutes=1)),
        Job(REMINDERS, run_reminders, every=timedelta(minutes=1)),
        # One sender at a time, at Telegram's pace; a run sends at most 10,000 (≈ 6 min at 30/s) within its lease.
        Job(ANNOUNCEMENTS, run_announcements, every=timedelta(seconds=2), lease=timedelta(minutes=15), poll_s=2.0),
        # Staff replies: every replica delivers (claiming rows in core/outbox.py keeps each once).
        Job(OUTBOX, run_outbox, every=timedelta(seconds=ROUND_SECONDS), exclusive=False),
    ]
