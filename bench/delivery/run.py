"""Updates per second and CPU ms per update: the whole bot (inbox, one transaction per step, outbox) on SQLite and
on PostgreSQL with 1 and 2 replicas, beside a bare python-telegram-bot Application with an echo handler, on the
same local Bot API stand-in, in the same run (issue 16, "Measure").

    .venv/bin/python -m bench.delivery.run                      # 2,000 updates from 200 users
    .venv/bin/python -m bench.delivery.run --updates 4000 --sqlite-only

Each case starts with every update already received — as the JSON Telegram sent — and measures from "go" until
every update is handled and every message sent, so receiving is not in the figure for either (nor stopping: the
bare Application's `stop()` and the bot processes' shutdown come after the clock). Both decode each update
(`Update.de_json`) inside the clock: the bot each stored update as it handles it, the bare Application each
update as it is queued (until session 5 the bare case's updates were decoded before its clock started, which
left the framework's own decoding out of the bare figure only; that row is still printed, without a share). The
bare case is the best of three runs (short runs vary most), which only makes the bot's share smaller. With
`--rounds N` (default 3) the SQLite case and the bare case are measured N times, alternately, and the bot's share
is printed for each pair and as their median: the machine's speed drifts between runs, and a share taken within
one pair is what drifts least. The bot
cases run as separate processes (`bench.delivery.replica`), each with the NLU model loaded before "go"; CPU is the
processes' own (`time.process_time`), not the database server's. The texts: ten messages per citizen (/start,
questions answered by the NLU, /menu, /sos, a place for "my centre"...), users interleaved, as they arrive in real
life.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.local_api import RecordingBotApi
from core import inbox
from core.db import Database
from core.migrate import upgrade
from core.models import utcnow
from core.seed import seed_reference_data

TEXTS = [
    "/start",
    "γεια σας",
    "θέλω να μάθω για το ΚΕΑ",
    "/menu",
    "επίδομα παιδιών",
    "/sos",
    "πού είναι το κέντρο μου",
    "Κοζάνη",
    "ευχαριστώ",
    "/help",
]
FIRST_USER = 770_000


def message(update_id: int, user: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": update_id,
        "date": 1764000000,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "Π"},
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": body}


def workload(updates: int, users: int) -> list[dict[str, Any]]:
    return [message(1000 + n, FIRST_USER + n % users, TEXTS[(n // users) % len(TEXTS)]) for n in range(updates)]


async def bare_ptb(payloads: list[dict[str, Any]], *, decode_in_clock: bool = True) -> dict[str, float]:
    api = RecordingBotApi()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app = ApplicationBuilder().token("1:BENCH").request(api).get_updates_request(api).updater(None).build()
    app.add_handler(MessageHandler(filters.ALL, echo))
    async with app:
        decoded = [] if decode_in_clock else [Update.de_json(payload, app.bot) for payload in payloads]
        wall, cpu = time.perf_counter(), time.process_time()
        for update in decoded or (Update.de_json(payload, app.bot) for payload in payloads):
            await app.update_queue.put(update)
        await app.start()
        while len(api.calls_to("sendMessage")) < len(payloads):
            await asyncio.sleep(0.01)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        await app.stop()
    return {"seconds": wall, "cpu_s": cpu}


async def prepare(url: str, payloads: list[dict[str, Any]]) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        await seed_reference_data(db)
        async with db.write() as session:
            await inbox.store(
                session, [inbox.Incoming(p["update_id"], p["message"]["chat"]["id"], p) for p in payloads], now=utcnow()
            )
    finally:
        await db.dispose()


def replicas(url: str, data_dir: Path, count: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.delivery.replica", url, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    for proc in procs:
        assert proc.stdout is not None
        proc.stdout.readline()  # loaded
    wall = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        assert proc.stdout is not None
        reports.append(json.loads(proc.stdout.readline()))
    wall = time.perf_counter() - wall  # every update handled and answered; the processes' shutdown is not counted
    for proc in procs:
        proc.wait(timeout=60)
    return {"seconds": wall, "cpu_s": sum(r["cpu_s"] for r in reports)}


def pg_database(admin_url: str) -> str:
    name = f"bench_delivery_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin_url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg(url: str) -> None:
    name = make_url(url).database
    dsn = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def best_bare(payloads: list[dict[str, Any]], *, decode_in_clock: bool, runs: int = 3) -> dict[str, float]:
    return min(
        (asyncio.run(bare_ptb(payloads, decode_in_clock=decode_in_clock)) for _ in range(runs)),
        key=lambda r: r["seconds"],
    )


def row(name: str, n: int, result: dict[str, float], bare: dict[str, float] | None, *, share: bool = True) -> str:
    rate = n / result["seconds"]
    shown = (f"{100 * rate / (n / bare['seconds']):.1f} %" if bare else "100 %") if share else "—"
    return f"| {name:<44} | {rate:>10.0f} | {1000 * result['cpu_s'] / n:>13.2f} | {shown:>10} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="bare / bot-on-SQLite pairs, alternately")
    args = parser.parse_args()
    payloads = workload(args.updates, args.users)
    results: list[tuple[str, dict[str, float]]] = []
    pairs: list[tuple[dict[str, float], dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        for n in range(max(1, args.rounds)):
            sqlite = f"sqlite+aiosqlite:///{Path(tmp) / f'bench-{n}.sqlite3'}"
            asyncio.run(prepare(sqlite, payloads))
            pairs.append((best_bare(payloads, decode_in_clock=True), replicas(sqlite, data, 1)))
        bare = pairs[0][0]
        results.append(("bare PTB, echo handler", bare))
        results.append(("whole bot, SQLite, 1 process", pairs[0][1]))
        predecoded = best_bare(payloads, decode_in_clock=False)
        admin = os.environ.get("KOINOTITA_TEST_POSTGRES_URL")
        if admin and not args.sqlite_only:
            for count in (1, 2):
                url = pg_database(admin)
                try:
                    asyncio.run(prepare(url, payloads))
                    results.append(
                        (
                            f"whole bot, PostgreSQL, {count} replica{'s' if count > 1 else ''}",
                            replicas(url, data, count),
                        )
                    )
                finally:
                    drop_pg(url)
    print(f"{args.updates} updates from {args.users} users\n")
    print(f"| {'case':<44} | updates/s  | CPU ms/update | % of bare  |")
    print(f"|{'-' * 46}|-----------:|--------------:|-----------:|")
    for name, result in results:
        print(row(name, args.updates, result, None if result is bare else bare))
    print(row("(bare PTB, updates decoded before the clock)", args.updates, predecoded, None, share=False))
    shares = [100 * bare_run["seconds"] / bot_run["seconds"] for bare_run, bot_run in pairs]
    bare_rates = [args.updates / bare_run["seconds"] for bare_run, _ in pairs]
    bot_rates = [args.updates / bot_run["seconds"] for _, bot_run in pairs]
    print(f"\nSQLite, {len(pairs)} alternate pair{'s' if len(pairs) > 1 else ''} (bare, then the bot):")
    print("  bare updates/s:   " + " / ".join(f"{r:.0f}" for r in bare_rates))
    print("  bot updates/s:    " + " / ".join(f"{r:.0f}" for r in bot_rates))
    print(
        "  bot's share:      "
        + " / ".join(f"{x:.1f} %" for x in shares)
        + f"; median {statistics.median(shares):.1f} %"
    )


if __name__ == "__main__":
    main()
