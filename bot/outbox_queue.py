"""Queuing a message the bot sends on its own (a reminder, a waiting-list offer) in the outbox, in the caller's
transaction — instead of sending it while that transaction is open.

The message becomes an outbox row of kind `bot` (the Bot API method and its parameters, exactly as a step's
answers are stored) in the same commit that records it as sent (`reminder.sent_at`, `entry.offer_sent_at`). The
outbox loop (bot/outbox_delivery.py) delivers it: claimed `sending`, sent, deleted — so a crash at any instant
either leaves nothing recorded (the job queues it again) or leaves it queued (it is sent once; repeated only if
the process died in the one round trip after Telegram accepted it, docs/delivery.md). A chat's order is kept with
the citizen's other messages: a step's answers wait behind an earlier undelivered `bot` row of the same chat.

Inside a step (a handler that frees a seat offers it at once) the step itself records the call: it is queued
with the step's answers and sent after the step commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.step_bot import Recorder, start_recording, stop_recording
from core.models import utcnow
from core.models.handoff import OutboxMessage


async def queue_message(
    app: Any,
    session: AsyncSession,
    *,
    chat_id: int,
    citizen_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> int:
    """Queue an HTML message to `chat_id` in `session`'s transaction; returns how many outbox rows were added
    (0 inside a step: the step records it)."""
    if app.services.db.in_step():
        await _send(app, chat_id, text, markup)
        return 0
    recorder = Recorder(chat_id=chat_id)
    token = start_recording(recorder)
    try:
        await _send(app, chat_id, text, markup)
    finally:
        stop_recording(token)
    now = utcnow()
    rows = [
        {
            "kind": "bot",
            "chat_id": call.chat_id or chat_id,
            "citizen_id": citizen_id,
            "method": call.method,
            "payload": call.payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for call in recorder.calls
    ]
    if rows:
        await session.execute(insert(OutboxMessage), rows)
    return len(rows)


async def _send(app: Any, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
    await app.bot.send_message(
        chat_id=chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )
