"""Starting and stopping the bot the same way in every run mode, through the Application's own hooks.

`build_application` registers `post_init`, `post_stop` and `post_shutdown`; `running(app)` drives them in the
order PTB's own `run_polling`/`run_webhook` do (initialize → post_init → … → stop → post_stop → shutdown →
post_shutdown), for the run modes that share an event loop with the console or the local chat. Background work
(scheduled jobs, delivery loops) therefore starts and stops with the Application, not by hand in the runner.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update

from bot.reachability import load_unreachable
from bot.scheduler import Scheduler
from bot.services import KoinotitaApplication
from core import metrics


class RunningApplication(KoinotitaApplication):
    """KoinotitaApplication plus what operating it needs: its scheduler and per-update metrics."""

    scheduler: Scheduler | None = None

    async def dispatch(self, update: Update) -> None:
        """Every update is handled here once, inside its step (bot/inbox.py), whichever way it arrived."""
        metrics.UPDATES.labels(update_kind(update)).inc()
        started = time.perf_counter()
        try:
            await super().dispatch(update)
        finally:
            metrics.UPDATE_SECONDS.observe(time.perf_counter() - started)


def update_kind(update: object) -> str:
    """A closed set of labels: what kind of update, never anything in it."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.my_chat_member is not None:
        return "membership"
    message = update.message or update.edited_message
    if message is None:
        return "other"
    if message.text is not None:
        return "command" if message.text.startswith("/") else "text"
    if message.location is not None:
        return "location"
    if message.contact is not None:
        return "contact"
    return "media"


async def post_init(app: Any) -> None:
    from bot.app import start_services
    from bot.jobs import product_jobs

    await start_services(app)
    await load_unreachable(app, app.services.db)
    if isinstance(app, RunningApplication):
        app.scheduler = Scheduler(app, app.services.db, product_jobs())
        app.scheduler.start()


async def post_stop(app: Any) -> None:
    scheduler = getattr(app, "scheduler", None)
    if scheduler is not None:
        await scheduler.stop()


async def post_shutdown(app: Any) -> None:
    from bot.app import stop_services

    await post_stop(app)
    await stop_services(app)


@asynccontextmanager
async def running(app: KoinotitaApplication) -> AsyncIterator[KoinotitaApplication]:
    """`async with running(app):` — initialized, services and background work started; all stopped after."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
