"""Work the bot does on its own, beside answering updates: staff replies from the outbox, appointment
reminders and waiting-list offers. Started by every run mode — the local chat included, so that a reply staff
send from the console reaches the terminal — and cancelled on shutdown."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from bot.outbox_delivery import run_outbox_loop
from bot.reminders import reminder_loop
from bot.services import KoinotitaApplication


def start_background(app: KoinotitaApplication) -> list[asyncio.Task[None]]:
    return [
        asyncio.create_task(run_outbox_loop(app), name="outbox"),
        asyncio.create_task(reminder_loop(app), name="reminders"),
    ]


async def stop_background(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with suppress(asyncio.CancelledError):
            await task
