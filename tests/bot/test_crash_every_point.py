"""The bot killed at EVERY await point of a booking, a request and a staff reply's delivery — every statement and
commit sent to the database, every call to Telegram before and after Telegram accepts it (tests/bot/crash.py) —
then restarted: no step is lost, none is applied twice, the citizen sees every answer (a message Telegram had
accepted just before the kill may be shown twice, never more, never lost) and the next press works. On SQLite
and PostgreSQL.

How: a reference run records, before every step, a snapshot of the database, the update sent, what the citizen
saw and a fingerprint of the database after it. Then for each step and each point N of it: restore the snapshot,
send the update with the hook set to kill at point N, start a new Application on that database (Telegram sends
the unacknowledged update again; the outbox loop runs once the dead process's lease is over), and compare with
the reference; then send the next step's update and compare that too.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.engine import make_url
from telegram import Update

from bot.app import build_application, start_services, stop_services
from bot.inbox import StepRunner
from bot.local_chat import LocalChat
from bot.outbox_delivery import deliver_outbox
from bot.services import KoinotitaApplication
from core.db import Database
from core.handoff import enqueue_staff_reply, open_conversation
from core.models import Base, BotState, utcnow
from core.models.inbox import InboxUpdate
from core.outbox import LEASE
from core.users import create_user
from tests.conftest import _psycopg_dsn

from .conftest import make_settings
from .crash import Crash, FaultHook, FaultyBotApi

USER = 515151

BOOKING = [
    "/start",
    "[🇬🇷 Ελληνικά]",
    "Θέλω να κλείσω ραντεβού",
    "Φλώρινα",
    "[📍 Φλώρινα — Κέντρο Κοινότητας]",
    "[👥 Κοινωνικός λειτουργός]",
    "[⏩ Η πρώτη ελεύθερη ώρα]",
    "[✅ Κλείστε αυτή την ώρα]",
    "Μαρία Παπαδοπούλου",
    "691 234 5678",
    "[✅ Συμφωνώ]",
    "/menu",
]
REQUEST = [
    "/start",
    "[🇬🇷 Ελληνικά]",
    "/request",
    "[✅ Συμφωνώ]",
    "[🍞 Τρόφιμα και βασικά αγαθά]",
    "[➡️ Συνέχεια]",
    "Δεν έχουμε να φάμε",
    "[3]",
    "2",
    "Πτολεμαΐδα",
    "Μαρία Παπαδοπούλου",
    "[💬 Εδώ, στο Telegram]",
    "[🌇 Απόγευμα]",
    "[✅ Αποστολή]",
    "/menu",
]
STAFF_REPLY = "Σας περιμένουμε την Πέμπτη στις 10:00"


class CapturingChat(LocalChat):
    """LocalChat that keeps every update it sends, to send the very same update again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.updates: list[dict[str, Any]] = []

    async def _process(self, payload: dict[str, Any]) -> list[Any]:
        update = Update.de_json({"update_id": next(self._update_ids), **payload}, self.app.bot)
        self.updates.append(update.to_dict())
        await self.app.process_update(update)
        return []


def visible(api: FaultyBotApi, start: int = 0) -> list[tuple[str, str]]:
    return [
        (c.method, str(c.params.get("text") or c.params.get("caption") or ""))
        for c in api.calls[start:]
        if c.method.startswith("send") and str(c.params.get("chat_id")) == str(USER)
    ]


# A request's number is its id: on PostgreSQL a killed transaction keeps the id it took (ids are never reused), so
# the retried request is told a later number; the number of requests is compared in the fingerprint.
_REQUEST_NUMBER = re.compile(r"(αριθμός αιτήματος) \d+")


def collapse(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    shown = [(method, _REQUEST_NUMBER.sub(r"\1 N", text)) for method, text in items]
    return [x for i, x in enumerate(shown) if i == 0 or shown[i - 1] != x]


async def fingerprint(app: KoinotitaApplication) -> dict[str, Any]:
    """Rows per table, and the bot's state itself: equal fingerprints = the same steps applied, once each."""
    counts = [
        select(literal(name).label("t"), func.count().label("n")).select_from(table)
        for name, table in Base.metadata.tables.items()
        if name not in ("bot_state", "inbox_update")
    ]
    counts.append(
        select(literal("inbox_pending"), func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")
    )
    async with app.services.db.session() as session:
        out: dict[str, Any] = {t: n for t, n in (await session.execute(union_all(*counts))).all()}
        rows = (await session.execute(select(BotState.kind, BotState.key, BotState.data))).all()
    out["bot_state"] = sorted((k, key, json.dumps(masked(d), sort_keys=True)) for k, key, d in rows)
    return out


# Values that differ between two runs without meaning a step was lost or repeated: when something was noted (the
# conversation memory's time, when consent was given) and ids (a PostgreSQL sequence keeps the id a killed
# transaction took: ids are never reused, so a retried booking gets the next one; the number of appointments is
# compared above).
_MASKED = frozenset({"at", "consent_at", "booking_last"})


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "*" if k in _MASKED else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


class World:
    """Databases to copy: a snapshot before each step, a fresh copy for each trial."""

    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.tmp = tmp
        self.sqlite = make_url(url).get_backend_name() == "sqlite"
        self.made: list[str] = []
        self.serial = 0

    def _pg(self, sql: str) -> None:
        with psycopg.connect(_psycopg_dsn(self.url, "postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def copy(self, source: str) -> str:
        self.serial += 1
        if self.sqlite:
            path = self.tmp / f"copy{self.serial}.sqlite3"
            shutil.copyfile(str(make_url(source).database), path)
            return f"sqlite+aiosqlite:///{path}"
        name = f"{make_url(self.url).database}_c{self.serial}"
        self._pg(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(source).database}"')
        self.made.append(name)
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.sqlite:
            Path(str(make_url(url).database)).unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for name in self.made:
            self._pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Reference:
    snapshots: list[str] = field(default_factory=list)  # database before step i
    updates: list[dict[str, Any]] = field(default_factory=list)
    seen: list[list[tuple[str, str]]] = field(default_factory=list)  # what the citizen saw at step i
    after: list[dict[str, Any]] = field(default_factory=list)  # fingerprint after step i
    points: list[int] = field(default_factory=list)  # await points of step i


class Harness:
    """One Application, "restarted" onto a database: a new connection pool, a new step runner (a new replica
    name) and nothing of the old process's memory (the user and chat data PTB shows are cleared; every step
    loads them from the database anyway). That is all a new process would have, without rebuilding the bot
    for each of the hundreds of kills."""

    def __init__(self, app: KoinotitaApplication, api: FaultyBotApi, hook: FaultHook, world: World) -> None:
        self.app, self.api, self.hook, self.world = app, api, hook, world

    async def start(self, url: str) -> KoinotitaApplication:
        app = self.app
        await app.services.db.dispose()  # the old process's connections (and its open transaction) are gone
        app.services.db = Database(url)
        app.runner = StepRunner(app)
        for data in (*app.user_data.values(), *app.chat_data.values()):
            data.clear()
        self.hook.attach(app.services.db)
        return app

    def fresh_phone(self) -> FaultyBotApi:
        self.api.calls.clear()
        self.api.messages.clear()
        self.api.outbox_order.clear()
        return self.api

    async def recover(self, url: str, update: dict[str, Any] | None) -> KoinotitaApplication:
        """A new process: Telegram sends the unacknowledged update again; the outbox loop runs after the lease."""
        self.hook.arm(None)
        app = await self.start(url)
        if update is not None:
            await app.process_update(Update.de_json(update, app.bot))
        later = utcnow() + LEASE + timedelta(seconds=1)
        while await deliver_outbox(app, later):
            later += timedelta(seconds=2)
        return app

    async def reference(
        self, steps: list[Callable[[KoinotitaApplication, FaultyBotApi], Awaitable[dict[str, Any] | None]]]
    ) -> Reference:
        ref = Reference()
        url = self.world.url
        phone_calls = 0
        for step in steps:
            await self.app.services.db.dispose()  # nothing open while the snapshot is copied
            ref.snapshots.append(self.world.copy(url))
            app = await self.start(url)
            self.hook.arm(10**9)  # count, never crash
            update = await step(app, self.api)
            ref.points.append(self.hook.count)
            self.hook.arm(None)
            ref.updates.append(update or {})
            ref.seen.append(visible(self.api, phone_calls))
            phone_calls = len(self.api.calls)
            ref.after.append(await fingerprint(app))
        await self.app.services.db.dispose()
        return ref

    async def trial(
        self,
        ref: Reference,
        i: int,
        crash_at: int,
        replay: Callable[[KoinotitaApplication, dict[str, Any]], Awaitable[None]],
    ) -> str | None:
        url = self.world.copy(ref.snapshots[i])
        api = self.fresh_phone()
        try:
            app = await self.start(url)
            self.hook.arm(crash_at)
            with contextlib.suppress(Crash):
                await replay(app, ref.updates[i])
            fired, accepted = self.hook.fired, self.hook.accepted
            app = await self.recover(url, ref.updates[i] or None)
            where = f"step {i} point {crash_at} ({fired})"
            seen = visible(api)
            assert collapse(seen) == collapse(ref.seen[i]), where
            assert len(seen) - len(ref.seen[i]) <= (1 if fired and accepted else 0), where
            assert await fingerprint(app) == ref.after[i], where
            if i + 1 < len(ref.updates) and ref.updates[i + 1]:  # the next press works, as it did without a crash
                before = len(api.calls)
                await replay(app, ref.updates[i + 1])
                assert collapse(visible(api, before)) == collapse(ref.seen[i + 1]), where + ", next step"
            await app.services.db.dispose()
            return fired
        finally:
            self.world.drop(url)


async def replay_update(app: KoinotitaApplication, update: dict[str, Any]) -> None:
    if update:
        await app.process_update(Update.de_json(update, app.bot))


@pytest.fixture
async def harness(db_url: str, nlu_cache_dir: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    hook = FaultHook()
    api = FaultyBotApi(hook)
    app = build_application(make_settings(db_url, nlu_cache_dir), request=api)
    world = World(db_url, tmp_path)
    async with app:
        await start_services(app)
        try:
            yield Harness(app, api, hook, world)
        finally:
            await stop_services(app)
            world.close()


def chat_steps(
    script: list[str],
) -> list[Callable[[KoinotitaApplication, FaultyBotApi], Awaitable[dict[str, Any] | None]]]:
    """Each line of the script as a step (a press finds its button on the phone's earlier messages)."""

    def step_for(line: str) -> Callable[[KoinotitaApplication, FaultyBotApi], Awaitable[dict[str, Any] | None]]:
        async def run(app: KoinotitaApplication, api: FaultyBotApi) -> dict[str, Any] | None:
            chat = CapturingChat(app, api, user_id=USER)
            await chat.act(line)
            return chat.updates[-1]

        return run

    return [step_for(line) for line in script]


def every_point(ref: Reference, steps: Iterable[int] | None = None) -> Iterator[tuple[int, int]]:
    for i, points in enumerate(ref.points):
        if steps is None or i in steps:
            for n in range(1, points + 1):
                yield i, n


async def run_all(
    harness: Harness,
    ref: Reference,
    replay: Callable[[KoinotitaApplication, dict[str, Any]], Awaitable[None]],
    steps: Iterable[int] | None = None,
) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for i, n in every_point(ref, None if steps is None else set(steps)):
        fired = await harness.trial(ref, i, n, replay)
        kinds[fired or "none"] = kinds.get(fired or "none", 0) + 1
    return kinds


def steps_to_run(harness: Harness, script: list[str], on_postgresql: list[int]) -> list[int]:
    """Every step on SQLite. On PostgreSQL — where each kill costs a database copy — every point of the steps
    that write what the flow is for (the booking's details and consent, the request's answers and sending);
    the inbox, the step transaction and the outbox are the same code for every step, and run on both."""
    return list(range(len(script))) if harness.world.sqlite else on_postgresql


async def test_a_booking_survives_a_kill_at_every_point(harness: Harness) -> None:
    ref = await harness.reference(chat_steps(BOOKING))
    steps = steps_to_run(harness, BOOKING, [8, 9, 10])
    kinds = await run_all(harness, ref, replay_update, steps)
    assert kinds.get("commit", 0) >= len(steps) and kinds.get("net-after", 0) >= len(steps)
    assert ref.after[-1]["appointment"] == 1


async def test_a_request_survives_a_kill_at_every_point(harness: Harness) -> None:
    ref = await harness.reference(chat_steps(REQUEST))
    steps = steps_to_run(harness, REQUEST, [3, 13])
    kinds = await run_all(harness, ref, replay_update, steps)
    assert kinds.get("commit", 0) >= len(steps) and ref.after[-1]["intake"] == 1


async def test_a_staff_reply_is_delivered_whatever_the_kill(harness: Harness) -> None:
    """The outbox round that delivers a staff reply, killed at each of its points: the reply arrives, at most
    twice (only when the kill came after Telegram accepted it), and the citizen's next message still reaches
    the conversation."""

    async def open_and_reply(app: KoinotitaApplication, api: FaultyBotApi) -> dict[str, Any] | None:
        async with app.services.db.write() as session:
            staff = await create_user(
                session, username="sw", role="staff", centre_id="kk-kozani", password="pale-lantern-over-harbour-17"
            )
            conversation = await open_conversation(
                session, telegram_chat_id=USER, citizen_id=None, centre_id="kk-kozani", language="el"
            )
            await enqueue_staff_reply(session, conversation.id, staff_user_id=staff.id, text=STAFF_REPLY)
        return None

    async def deliver(app: KoinotitaApplication, api: FaultyBotApi) -> dict[str, Any] | None:
        await deliver_outbox(app, utcnow())
        return None

    ref = await harness.reference([open_and_reply, deliver, *chat_steps(["Ευχαριστώ πολύ"])])
    assert any(STAFF_REPLY in text for _, text in ref.seen[1])

    async def replay(app: KoinotitaApplication, update: dict[str, Any]) -> None:
        await deliver_outbox(app, utcnow())

    kinds: dict[str, int] = {}
    for n in range(1, ref.points[1] + 1):
        fired = await harness.trial(ref, 1, n, replay)
        kinds[fired or "none"] = kinds.get(fired or "none", 0) + 1
    assert kinds.get("net-after", 0) >= 1 and kinds.get("commit", 0) >= 2
