"""What handlers read per citizen at the first step of a conversation is read for a whole batch of steps in one
query (KoinotitaApplication.read_ahead): the kept facts of every citizen whose conversation starts in the batch
come back as they would one by one, with one read of the citizen table instead of one per citizen; a step that
did not use what was read ahead for it leaves its citizen's next step to read afresh. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from telegram import Update

from bot.app import build_application, start_services, stop_services
from bot.flow_state import NOT_READ, StateStore
from bot.memory import MEMORY_KEY
from bot.services import KoinotitaApplication
from core.citizens import keep_facts
from core.models import BotState
from tests.bot.conftest import make_settings
from tests.bot.test_poison_updates import message

KEPT_A = {"adults": 1, "minors": 2, "place": "Φλώρινα"}
KEPT_B = {"adults": 2, "minors": 0}
A, B, C = 990_001, 990_002, 990_003  # A and B let us keep facts; C did not


@pytest.fixture
async def app(db_url: str, nlu_cache_dir: Path) -> AsyncIterator[KoinotitaApplication]:
    application = build_application(make_settings(db_url, nlu_cache_dir))
    async with application:
        await start_services(application)
        try:
            async with application.services.db.write() as session:
                await keep_facts(session, telegram_id=A, facts=KEPT_A)
                await keep_facts(session, telegram_id=B, facts=KEPT_B)
            yield application
        finally:
            await stop_services(application)


@contextmanager
def kept_facts_reads(app: KoinotitaApplication) -> Iterator[list[str]]:
    """The statements that read the citizens' kept facts while the block runs."""
    seen: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "kept_facts" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = app.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)


async def restored_facts(app: KoinotitaApplication, user: int) -> dict[str, Any]:
    async with app.services.db.session() as session:
        row = await session.get(BotState, ("user", str(user)))
    memory = (row.data if row is not None else {}).get(MEMORY_KEY) or {}
    assert memory.get("checked") is True  # the record was looked at, whether or not it had anything
    return {k: memory["facts"][k] for k in memory.get("restored") or []}


async def run_one_batch(app: KoinotitaApplication, payloads: list[dict[str, Any]]) -> int:
    for payload in payloads:
        await app.runner.receive(Update.de_json(payload, app.bot))
    return await app.runner.run_batch()


async def test_a_batch_of_first_messages_reads_the_kept_facts_once(app: KoinotitaApplication) -> None:
    payloads = [message(7001, A, "γεια σας"), message(7002, B, "καλημέρα"), message(7003, C, "γεια")]
    with kept_facts_reads(app) as reads:
        assert await run_one_batch(app, payloads) == 3
    assert len(reads) == 1  # one query for the three citizens, not one each
    assert await restored_facts(app, A) == KEPT_A
    assert await restored_facts(app, B) == KEPT_B
    assert await restored_facts(app, C) == {}


async def test_a_step_that_did_not_use_it_leaves_the_next_step_to_read_afresh(app: KoinotitaApplication) -> None:
    # A's first step is answered before the memory is looked at (an emergency stops every later handler group);
    # what was read ahead for A is dropped with that step, and A's second step reads the record itself.
    payloads = [message(7101, A, "θα αυτοκτονήσω απόψε"), message(7102, A, "γεια σας")]
    with kept_facts_reads(app) as reads:
        assert await run_one_batch(app, payloads) == 2
    assert len(reads) == 2  # the batch's read ahead, then A's second step's own
    assert await restored_facts(app, A) == KEPT_A


async def test_what_is_read_ahead_is_taken_once_and_dropped_with_the_step() -> None:
    store = StateStore([])
    store.keep_read_ahead("kept_facts", {A: KEPT_A, B: {}})
    assert store.take_read_ahead("kept_facts", A) == KEPT_A
    assert store.take_read_ahead("kept_facts", A) is NOT_READ  # once
    store.step_done(B)
    assert store.take_read_ahead("kept_facts", B) is NOT_READ  # B's step ended without it: read afresh


async def test_the_batch_read_matches_the_one_by_one_read(app: KoinotitaApplication) -> None:
    from core.citizens import kept_facts_by_telegram_id, kept_facts_for

    async with app.services.db.session() as session:
        batch = await kept_facts_by_telegram_id(session, [A, B, C, 424242])
        one_by_one = {u: await kept_facts_for(session, u) for u in (A, B, C, 424242)}
        still_no_citizen = await session.scalar(select(BotState).where(BotState.key == "424242"))
    assert batch == one_by_one and still_no_citizen is None
