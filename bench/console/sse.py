"""Live-update fan-out: N open conversation pages (Server-Sent Events streams, as browsers hold them) on a real
uvicorn server; a citizen message is stored as the bot stores it; how long until every page has it?

    .venv/bin/python -m bench.console.sse                  # SQLite, and PostgreSQL if KOINOTITA_TEST_POSTGRES_URL
    .venv/bin/python -m bench.console.sse --pages 50 --rounds 10

Prints, per backend, the time from the commit of the message to the last of the N pages receiving it (p50, max
over rounds), and the slowest single page. Target: all 50 pages within 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn

from bench.console.run import drop_pg, pg_database
from core.db import Database
from core.handoff import open_conversation, record_citizen_message
from core.migrate import upgrade
from core.models import utcnow
from core.models.handoff import HandoffConversation
from core.seed import seed_reference_data
from core.settings import Settings
from core.users import create_user
from staff_console.app import create_app

PASSWORD = "amber-kite-above-the-lake-9"
CHAT = 777001


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare(url: str) -> int:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        await seed_reference_data(db)
        async with db.session() as session:
            await create_user(session, username="staff", role="staff", centre_id="kk-kozani", password=PASSWORD)
            conversation = await open_conversation(
                session, telegram_chat_id=CHAT, citizen_id=None, centre_id="kk-kozani", language="el", now=utcnow()
            )
            await session.commit()
            return conversation.id
    finally:
        await db.dispose()


async def login(base: str) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        done = await client.post(
            "/login", data={"csrf_token": token.group(1), "username": "staff", "password": PASSWORD}
        )
        assert done.status_code == 303, done.status_code
        return client.cookies


async def listen(
    client: httpx.AsyncClient, path: str, ready: asyncio.Event, inbox: asyncio.Queue[str], count: list[int], pages: int
) -> None:
    async with client.stream("GET", path, headers={"Accept": "text/event-stream"}) as response:
        assert response.status_code == 200, response.status_code
        count[0] += 1
        if count[0] == pages:
            ready.set()
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "message":
                inbox.put_nowait(json.loads(line[6:])["html"])


async def measure(url: str, pages: int, rounds: int) -> list[tuple[float, float]]:
    conversation_id = await prepare(url)
    port = free_port()
    settings = Settings(KOINOTITA_DATABASE_URL=url, TELEGRAM_BOT_TOKEN=None)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    db = Database(url)
    results: list[tuple[float, float]] = []
    try:
        cookies = await login(base)
        limits = httpx.Limits(max_connections=pages + 5)
        async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=None, limits=limits) as client:
            ready, count = asyncio.Event(), [0]
            inboxes: list[asyncio.Queue[str]] = [asyncio.Queue() for _ in range(pages)]
            path = f"/live/conversations/{conversation_id}?after=0"
            tasks = [asyncio.create_task(listen(client, path, ready, inbox, count, pages)) for inbox in inboxes]
            await asyncio.wait_for(ready.wait(), 30)
            await asyncio.sleep(1.0)
            for n in range(rounds):
                text = f"μήνυμα {n}"
                async with db.session() as session:
                    conversation = await session.get(HandoffConversation, conversation_id)
                    assert conversation is not None
                    await record_citizen_message(session, conversation, text=text, now=utcnow())
                    await session.commit()
                sent = time.perf_counter()
                arrivals = []
                for inbox in inboxes:
                    while True:
                        html = await asyncio.wait_for(inbox.get(), 10)
                        if text in html:
                            arrivals.append(time.perf_counter() - sent)
                            break
                results.append((max(arrivals), statistics.median(arrivals)))
                await asyncio.sleep(0.5)
            for task in tasks:
                task.cancel()
    finally:
        await db.dispose()
        server.should_exit = True
        await serving
    return results


def report(backend: str, pages: int, results: list[tuple[float, float]]) -> None:
    last = sorted(r[0] * 1000 for r in results)
    print(f"\n{backend}: {pages} open pages, {len(results)} messages")
    print(f"  time until ALL pages had the message: p50 {statistics.median(last):.0f} ms, max {last[-1]:.0f} ms")
    print(f"  median page: {statistics.median(r[1] * 1000 for r in results):.0f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'sse.sqlite3'}"
        report("SQLite", args.pages, await measure(url, args.pages, args.rounds))
    admin = os.environ.get("KOINOTITA_TEST_POSTGRES_URL")
    if not admin:
        print("\nPostgreSQL: skipped (set KOINOTITA_TEST_POSTGRES_URL)")
        return
    url, name = pg_database(admin)
    try:
        report("PostgreSQL", args.pages, await measure(url, args.pages, args.rounds))
    finally:
        drop_pg(admin, name)


if __name__ == "__main__":
    asyncio.run(main())
