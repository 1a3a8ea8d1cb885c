"""Poison updates (docs/delivery.md): an update whose handling kills the process, or fails the step, every time is
given up after `MAX_ATTEMPTS` tries — the citizen is told kindly, the others' updates around it are handled once and
in order, and a database that is away does not count against an update. SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.app import build_application, start_services, stop_services
from bot.flow_state import StateStore
from bot.inbox import StepRunner
from bot.local_api import RecordingBotApi
from bot.services import KoinotitaApplication
from core import metrics
from core.db import Database
from core.inbox import MAX_ATTEMPTS
from core.models.inbox import InboxUpdate
from knowledge.messages import t
from tests.bot.conftest import make_settings
from tests.bot.crash import Crash

A, B, C = 880_001, 880_002, 880_003
POISON = "☠ poison"


def message(update_id: int, user: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": update_id,
        "date": 1764000000,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "Π"},
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": body}


async def dies(_update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    raise Crash("the process dies handling this update")


async def keeps_what_cannot_be_stored(_update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.user_data is not None
    context.user_data["unstorable"] = object()  # not JSON: the step cannot save the citizen's data


@pytest.fixture
async def app(db_url: str, nlu_cache_dir: Path) -> AsyncIterator[KoinotitaApplication]:
    api = RecordingBotApi()
    application = build_application(make_settings(db_url, nlu_cache_dir), request=api)
    async with application:
        await start_services(application)
        try:
            yield application
        finally:
            await stop_services(application)


def restart(app: KoinotitaApplication) -> None:
    """A new process on the same database (as tests/bot/test_crash_every_point.py does)."""
    app.services.db = Database(app.services.db.url)
    app.runner = StepRunner(app)


async def receive_all(app: KoinotitaApplication) -> None:
    for payload in (
        message(5001, A, "/start"),
        message(5002, B, POISON),
        message(5003, C, "/start"),
        message(5004, B, "/start"),
    ):
        await app.runner.receive(Update.de_json(payload, app.bot))


def texts_to(app: KoinotitaApplication, chat: int) -> list[str]:
    api = app.bot.request
    assert isinstance(api, RecordingBotApi)
    return [m.text for m in api.sent() if m.chat_id == chat]


async def statuses(app: KoinotitaApplication) -> dict[int, tuple[str, int, bool]]:
    async with app.services.db.session() as session:
        rows = (await session.execute(select(InboxUpdate))).scalars().all()
        return {r.update_id: (r.status, r.attempts, r.payload is not None) for r in rows}


@pytest.mark.parametrize("failure", ["process dies", "step fails"])
async def test_an_update_that_always_fails_is_given_up_and_the_others_are_handled_once(
    app: KoinotitaApplication, failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler = dies if failure == "process dies" else keeps_what_cannot_be_stored
    app.add_handler(MessageHandler(filters.Text([POISON]), handler), group=-100)
    await receive_all(app)
    given_up_before = metrics.INBOX_GIVEN_UP._value.get()
    caplog.set_level(logging.WARNING)
    failures = 0
    for _ in range(3 * MAX_ATTEMPTS):  # every failure is a new process (or a new try of the inbox loop)
        try:
            while await app.runner.run_batch():
                pass
            break
        except (Crash, TypeError):
            failures += 1
            if failure == "process dies":
                with contextlib.suppress(Exception):
                    await app.services.db.dispose()
                restart(app)
    assert failures == MAX_ATTEMPTS  # tried MAX_ATTEMPTS times, then given up — not retried forever

    start_a, start_c = texts_to(app, A), texts_to(app, C)
    assert len(start_a) == 1 and start_a == start_c  # the good updates around it: answered once each
    sorry = t("update_given_up", "el")
    assert texts_to(app, B) == [sorry, *start_a]  # told kindly, then the citizen's next message answered, in order
    rows = await statuses(app)
    assert rows[5002] == ("failed", MAX_ATTEMPTS + 1, False)  # the payload (the citizen's text) is gone
    assert all(rows[u][0] == "done" for u in (5001, 5003, 5004))
    assert metrics.INBOX_GIVEN_UP._value.get() == given_up_before + 1
    logged = [r.getMessage() for r in caplog.records if "given up" in r.getMessage()]
    assert logged == [f"inbox: update 5002 given up after {MAX_ATTEMPTS} attempts"]
    assert not any(POISON in r.getMessage() for r in caplog.records)


async def test_a_database_that_is_away_does_not_count_against_an_update(
    app: KoinotitaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    await app.runner.receive(Update.de_json(message(6001, A, "/start"), app.bot))
    save = StateStore.save
    outages = 0

    async def away(self: StateStore, session: Any) -> int:
        nonlocal outages
        if outages < 2 * MAX_ATTEMPTS:
            outages += 1
            raise OperationalError("UPDATE bot_state", {}, Exception("database is locked"))
        return await save(self, session)

    monkeypatch.setattr(StateStore, "save", away)
    for _ in range(2 * MAX_ATTEMPTS):
        with pytest.raises(OperationalError):
            await app.runner.run_batch()
        assert (await statuses(app))[6001] == ("pending", 0, True)
    assert await app.runner.run_batch() == 1
    assert (await statuses(app))[6001][0] == "done"
    assert len(texts_to(app, A)) == 1
