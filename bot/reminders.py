"""Sending what is due from the booking tables: waiting-list offers and appointment reminders.

Two scheduled jobs (bot/jobs.py) call in here: the waiting-list job (`expire_and_offer`) and the reminder scan
(`deliver_reminders`); `deliver_due_reminders(app, now)` does both, right after a cancellation frees a seat.
Each reminder is sent inside a write transaction that locks its row and sets `sent_at` before committing: a
reminder already recorded as sent is never sent again after a restart, and one that was due while the bot was
down is sent on the next round. (A crash between Telegram accepting the message and the commit can repeat that
one message: a duplicate reminder is better than a lost one.)
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from bot.services import KoinotitaApplication
from bot.ui import keyboard
from core.booking.display import centre_name, service_label, until_text, when_text, where_text
from core.booking.reminders import DAY_BEFORE, claim_reminder, due_reminder_ids
from core.booking.tx import booking_write
from core.booking.waitlist import expire_holds, pending_offers
from core.models import Centre, Citizen
from core.models.booking import HELD, Appointment, WaitlistEntry
from knowledge.messages import plain, t

log = logging.getLogger(__name__)


def _register(citizen: Citizen) -> str:
    return citizen.language or "el"


async def _send(
    app: Application[Any, Any, Any, Any, Any, Any], chat_id: int, text: str, markup: InlineKeyboardMarkup
) -> None:
    await app.bot.send_message(
        chat_id=chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


async def deliver_offers(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """Send each waiting-list offer not sent yet; `offer_sent_at` is set in the same transaction."""
    db = app.services.db if isinstance(app, KoinotitaApplication) else None
    if db is None:
        return 0
    sent = 0
    async with db.session() as session:
        ids = await pending_offers(session, now)
    for entry_id in ids:
        try:
            async with booking_write(db) as session:
                entry = await session.scalar(
                    select(WaitlistEntry).where(WaitlistEntry.id == entry_id).with_for_update()
                )
                if entry is None or entry.offer_sent_at is not None or entry.hold_appointment_id is None:
                    continue
                hold = await session.get(Appointment, entry.hold_appointment_id)
                citizen = await session.get(Citizen, entry.citizen_id)
                centre = await session.get(Centre, entry.centre_id)
                if (
                    hold is None
                    or hold.status != HELD
                    or citizen is None
                    or centre is None
                    or citizen.telegram_id is None
                    or hold.hold_expires_at is None
                ):
                    continue
                register = _register(citizen)
                text = t(
                    "bk_offer",
                    register,
                    service=service_label(hold.service, register),
                    centre=centre_name(centre, register),
                    when=when_text(hold.starts_at, register),
                    until=until_text(hold.hold_expires_at, now, register),
                )
                markup = keyboard(
                    [
                        [(plain("btn_take_offer", register), f"wl:y:{entry.id}")],
                        [(plain("btn_decline_offer", register), f"wl:n:{entry.id}")],
                    ]
                )
                try:
                    await _send(app, citizen.telegram_id, text, markup)
                except (Forbidden, BadRequest):
                    log.info("waiting-list offer %s could not be delivered", entry.id)
                entry.offer_sent_at = now
                sent += 1
        except TelegramError:
            log.warning("sending a waiting-list offer failed; it will be retried")
    return sent


async def deliver_due_reminders(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """Release expired holds (offering their seats on), send pending offers and due reminders; returns how
    many messages were sent."""
    _expired, offered = await expire_and_offer(app, now)
    return offered + await deliver_reminders(app, now)


async def expire_and_offer(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> tuple[int, int]:
    """The waiting-list job: release holds that ran out (offering each seat to the next in line) and send the
    offers not sent yet; returns (holds released, offers sent)."""
    if not isinstance(app, KoinotitaApplication):
        return 0, 0
    async with booking_write(app.services.db) as session:
        expired = await expire_holds(session, now)
    return expired, await deliver_offers(app, now)


async def deliver_reminders(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """The reminder scan: send every reminder that is due and not sent; returns how many were sent."""
    if not isinstance(app, KoinotitaApplication):
        return 0
    db = app.services.db
    sent = 0
    async with db.session() as session:
        ids = await due_reminder_ids(session, now)
    for reminder_id in ids:
        try:
            async with booking_write(db) as session:
                claimed = await claim_reminder(session, reminder_id)
                if claimed is None:
                    continue
                reminder, appointment = claimed
                citizen = await session.get(Citizen, appointment.citizen_id)
                centre = await session.get(Centre, appointment.centre_id)
                if citizen is None or centre is None or citizen.telegram_id is None:
                    reminder.dropped_at = now  # booked by a mediator for someone without Telegram
                    continue
                register = _register(citizen)
                key = "rem_day_before" if reminder.kind == DAY_BEFORE else "rem_two_hours"
                text = t(
                    key,
                    register,
                    service=service_label(appointment.service, register),
                    centre=centre_name(centre, register),
                    when=when_text(appointment.starts_at, register),
                    where=where_text(centre, register),
                )
                markup = keyboard(
                    [
                        [
                            (plain("btn_will_come", register), f"ap:ok:{appointment.id}"),
                            (plain("btn_cancel_appointment", register), f"ap:x:{appointment.id}"),
                        ]
                    ]
                )
                try:
                    await _send(app, citizen.telegram_id, text, markup)
                except (Forbidden, BadRequest):  # blocked the bot or the chat is gone: retrying cannot help
                    reminder.dropped_at = now
                    continue
                reminder.sent_at = now
                sent += 1
        except TelegramError:  # network trouble: rolled back, tried again on the next round
            log.warning("sending reminder %s failed; it will be retried", reminder_id)
    return sent
