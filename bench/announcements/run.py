"""Announcement throughput against Telegram's limit: N stand-in recipients through the real Application, the one
rate limiter at the configured per-bot rate, and the stand-in enforcing Telegram's flood control (so going too
fast would show as 429s). Prints the achieved rate as a share of the configured limit.

    .venv/bin/python -m bench.announcements.run                       # 5,000 recipients at 30/s (≈ 3 minutes)
    .venv/bin/python -m bench.announcements.run --recipients 1000 --rate 30 --latency 0.08 --database-url ...
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select

from bot.announcements import deliver_announcements
from bot.app import build_application
from bot.fault_plan import FaultPlan
from bot.local_api import RecordingBotApi
from core.announcements import create_announcement, queue_announcement
from core.db import Database
from core.migrate import upgrade
from core.models import Citizen, utcnow
from core.models.announcement import AnnouncementSubscription
from core.seed import seed_reference_data
from core.settings import Settings


async def prepare(url: str, recipients: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        await seed_reference_data(db)
        async with db.write() as session:
            await session.execute(
                insert(Citizen), [{"telegram_id": 800_000_000 + i, "language": "el"} for i in range(recipients)]
            )
        async with db.write() as session:
            ids = list(await session.scalars(select(Citizen.id).where(Citizen.telegram_id >= 800_000_000)))
            await session.execute(
                insert(AnnouncementSubscription), [{"citizen_id": i, "centre_id": "kk-kozani"} for i in ids]
            )
            announcement = await create_announcement(
                session,
                centre_id="kk-kozani",
                text_el="Ημέρα ενημέρωσης για το επίδομα θέρμανσης, Τρίτη 10:00.",
                text_simple=None,
                text_en=None,
                created_by="bench",
            )
            await queue_announcement(session, announcement.id, now=utcnow())
    finally:
        await db.dispose()


async def run(url: str, data_dir: Path, recipients: int, rate: float, latency: float, senders: int) -> None:
    await prepare(url, recipients)
    plan = f"flood rate={rate:g} chat_rate=1 chat_burst=3" + (f"; slow seconds={latency:g}" if latency else "")
    api = RecordingBotApi(FaultPlan.parse(plan))
    accepted = _watch_acceptances(api)
    settings = Settings(
        KOINOTITA_DATABASE_URL=url,
        KOINOTITA_DATA_DIR=data_dir,
        TELEGRAM_BOT_TOKEN=None,
        KOINOTITA_TELEGRAM_RATE=rate,
        KOINOTITA_TELEGRAM_CHAT_RATE=1.0,
    )
    app = build_application(settings, request=api)
    async with app:
        started = time.perf_counter()
        counts = await deliver_announcements(app, utcnow(), senders=senders)
        elapsed = time.perf_counter() - started
        await app.services.db.dispose()
    per_chat = Counter(m.chat_id for m in api.sent())
    achieved = len(api.sent()) / elapsed
    steady = (len(accepted) - 1) / (accepted[-1] - accepted[0]) if len(accepted) > 1 else 0.0
    print(f"database:            {url.split(':', 1)[0]}")
    print(f"recipients:          {recipients}")
    print(f"configured limit:    {rate:g} messages/s per bot (stand-in flood control at the same limit)")
    print(f"network latency:     {latency * 1000:.0f} ms per call (stand-in)")
    print(f"senders:             {senders}")
    print(f"outcomes:            {dict(counts)}")
    print(
        f"delivered:           {len(api.sent())} to {len(per_chat)} chats, duplicates: "
        f"{sum(n - 1 for n in per_chat.values())}"
    )
    print(f"429 from Telegram:   {len(api.refused)}")
    print(f"elapsed:             {elapsed:.1f} s")
    print(f"achieved rate:       {achieved:.2f} messages/s = {100 * achieved / rate:.1f} % of the limit")
    print(f"first to last:       {steady:.2f} messages/s = {100 * steady / rate:.1f} % (without start and end)")


def _watch_acceptances(api: RecordingBotApi) -> list[float]:
    """When the stand-in's flood control let each message through (its clock)."""
    accepted: list[float] = []
    flood = api.faults.flood
    if flood is None:
        return accepted
    check = flood.check

    def watched(chat_id: int | None, now: float) -> int | None:
        wait = check(chat_id, now)
        if wait is None:
            accepted.append(now)
        return wait

    setattr(flood, "check", watched)  # noqa: B010 (instance attribute, for this run only)
    return accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the stand-in takes per call")
    parser.add_argument("--senders", type=int, default=1, help="deliveries in flight at once")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        asyncio.run(run(url, Path(tmp), args.recipients, args.rate, args.latency, args.senders))


if __name__ == "__main__":
    main()
