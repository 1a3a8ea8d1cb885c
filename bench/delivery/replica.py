"""One bot process for the delivery benchmark: loads everything, prints its name, waits for "go" on stdin, then
handles the shared inbox until it is empty and every message is sent; prints the CPU seconds it used. Whether it
is done is asked of the database only once no call reached the stand-in for 50 ms (the bare case's check is in
memory too; asking the database every 50 ms while it works cost the bot ~0.8 statements per update). With
KOINOTITA_BENCH_PROFILE=PATH it writes a cProfile of the measured part to PATH.<pid> (`python -m pstats`)."""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.app import build_application
from bot.lifecycle import running
from bot.local_api import RecordingBotApi
from core import inbox
from core.models.handoff import OutboxMessage
from core.settings import Settings


async def main(url: str, data_dir: str) -> None:
    settings = Settings(KOINOTITA_DATABASE_URL=url, KOINOTITA_DATA_DIR=Path(data_dir), TELEGRAM_BOT_TOKEN=None)
    api = RecordingBotApi()
    app = build_application(settings, request=api)
    async with running(app):  # the NLU model, the scheduled jobs (outbox, reminders...)
        print(app.runner.name, flush=True)
        sys.stdin.readline()
        profile = os.environ.get("KOINOTITA_BENCH_PROFILE")
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        cpu = time.process_time()
        await app.start()  # the inbox loop
        seen = -1
        while True:
            await asyncio.sleep(0.05)
            if len(api.calls) != seen:  # still answering: the database is asked only once the answers stop
                seen = len(api.calls)
                continue
            async with app.services.db.session() as session:
                pending = await inbox.pending_count(session)
                queued = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(("pending", "sending")))
                )
            if pending == 0 and not queued:
                break
        used = time.process_time() - cpu
        if profiler is not None and profile:
            profiler.disable()
            profiler.dump_stats(f"{profile}.{os.getpid()}")
        print(json.dumps({"cpu_s": used, "sent": len(api.calls_to("sendMessage"))}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
