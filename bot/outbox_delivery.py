"""Delivering the outbox (core/outbox.py) through the bot: staff replies, "the centre closed the chat" and the
notices of appointments staff cancelled or moved (bot/appointment_notices.py).

`deliver_outbox(app, now)` is one round: claim due rows (at most one per chat, 30 in all), send each, record the
outcome. `run_outbox_loop(app)` runs rounds about once a second until cancelled or `stop` is set; every run mode
starts it beside the bot (the lead wires it into koinotita/runner.py). Telegram errors are retried with back-off
(or after Telegram's `retry_after`); a blocked bot or a vanished chat is given up at once. Logs name the outbox id
and the error class, never the text or the chat.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import datetime

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.appointment_notices import KINDS as NOTICE_KINDS
from bot.appointment_notices import render_notice
from bot.handlers.menu import main_menu_markup
from bot.services import KoinotitaApplication
from core.models import utcnow
from core.outbox import OutboxClaim, claim_due, mark_retry, mark_sent
from knowledge.answer import REGISTERS
from knowledge.messages import t

log = logging.getLogger(__name__)
ROUND_SECONDS = 1.0  # Telegram: about one message a second per chat; claim_due takes one per chat per round


def _register(claim: OutboxClaim) -> str:
    return claim.language if claim.language in REGISTERS else "el"


async def _send(app: KoinotitaApplication, claim: OutboxClaim) -> Message | None:
    if claim.kind == "bot":  # a step's call, left over (a failed send, a process killed after its commit)
        result = await app.bot.deliver(claim.method or "", claim.payload or {}, {})
        return Message.de_json(result, app.bot) if isinstance(result, dict) and "chat" in result else None
    register = _register(claim)
    if claim.kind in NOTICE_KINDS:
        text, markup = await render_notice(app, claim, register)
        return await app.bot.send_message(
            claim.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    if claim.kind == "handoff_closed":
        return await app.bot.send_message(
            claim.chat_id,
            t("handoff_closed_by_staff", register),
            parse_mode=ParseMode.HTML,
            reply_markup=main_menu_markup(register),
        )
    return await app.bot.send_message(
        claim.chat_id,
        t("handoff_staff_reply", register, text=claim.text or ""),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
    )


async def deliver_outbox(app: KoinotitaApplication, now: datetime) -> int:
    """One delivery round; returns how many messages Telegram accepted."""
    db = app.services.db
    async with db.write() as session:
        claims = await claim_due(session, now=now, claimed_by=app.runner.name)
    delivered = 0
    for claim in claims:
        try:
            sent = await _send(app, claim)
        except RetryAfter as exc:
            retry = exc.retry_after
            seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else float(retry)
            await _retry(app, claim, now, type(exc).__name__, retry_after=seconds)
        except (Forbidden, BadRequest) as exc:  # blocked, chat gone, message refused: retrying cannot help
            await _retry(app, claim, now, type(exc).__name__, permanent=True)
        except TelegramError as exc:  # network trouble, Telegram's 5xx: try again later
            await _retry(app, claim, now, type(exc).__name__)
        else:
            async with db.write() as session:
                await mark_sent(session, claim.id, telegram_message_id=sent.message_id if sent else None, now=utcnow())
            delivered += 1
    return delivered


async def _retry(
    app: KoinotitaApplication,
    claim: OutboxClaim,
    now: datetime,
    error: str,
    *,
    retry_after: float | None = None,
    permanent: bool = False,
) -> None:
    log.warning("outbox %s: delivery failed (%s, attempt %s)", claim.id, error, claim.attempts)
    async with app.services.db.write() as session:
        await mark_retry(session, claim.id, now=now, error=error, retry_after=retry_after, permanent=permanent)


async def run_outbox_loop(
    app: KoinotitaApplication, *, interval: float = ROUND_SECONDS, stop: asyncio.Event | None = None
) -> None:
    """Deliver rounds until cancelled (or `stop` is set). A failing round is logged and the loop goes on."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            await deliver_outbox(app, utcnow())
        except Exception as exc:  # a database hiccup must not end delivery for good
            log.error("outbox round failed: %s", type(exc).__name__)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
