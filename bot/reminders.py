"""Sending what is due from the booking tables: waiting-list offers and appointment reminders.

Two scheduled jobs (bot/jobs.py) call in here: the waiting-list job (`expire_and_offer`) and the reminder scan
(`deliver_reminders`); `deliver_due_reminders(app, now)` does both.
Nothing here calls Telegram: each reminder or offer is queued in the outbox (bot/outbox_queue.py) in the same
transaction that locks its row and records it as sent (`sent_at`, `offer_sent_at`), and the outbox loop delivers
it, in order with the citizen's other messages. So a reminder is queued once whatever the crashes and however
many replicas scan, and once queued it is sent once — repeated only if the process died in the one round trip
after Telegram accepted it and before the outbox recorded it (docs/delivery.md). Citizens marked unreachable
(they blocked the bot) are skipped explicitly: their due reminders are dropped, an offer made to them passes to
the next in line.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from telegram.ext import Application

from bot.outbox_queue import queue_message
from bot.services import KoinotitaApplication
from bot.ui import keyboard
from core.booking.display import centre_name, service_label, until_text, when_text, where_text
from core.booking.reminders import DAY_BEFORE, claim_reminder, drop_unreachable_reminders, due_reminder_ids
from core.booking.tx import booking_write
from core.booking.waitlist import expire_holds, pass_over, pending_offers
from core.models import Centre, Citizen, utcnow
from core.models.booking import HELD, Appointment, WaitlistEntry
from knowledge.messages import plain, t

log = logging.getLogger(__name__)


def _register(citizen: Citizen) -> str:
    return citizen.language or "el"


async def deliver_offers(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """Queue each waiting-list offer not sent yet; `offer_sent_at` is set in the same transaction. An offer to a
    citizen marked unreachable passes to the next in line."""
    db = app.services.db if isinstance(app, KoinotitaApplication) else None
    if db is None:
        return 0
    sent = 0
    seen: set[int] = set()
    while True:  # an offer passed on is a new pending offer: look again until none is new
        async with db.session() as session:
            ids = [i for i in await pending_offers(session, now) if i not in seen]
        if not ids:
            break
        seen.update(ids)
        for entry_id in ids:
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
                if citizen.unreachable_at is not None:
                    await pass_over(session, entry, now)
                    log.info("waiting-list offer %s passed on: the citizen is unreachable", entry.id)
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
                await queue_message(
                    app, session, chat_id=citizen.telegram_id, citizen_id=citizen.id, text=text, markup=markup
                )
                entry.offer_sent_at = now
                sent += 1
    return sent


async def deliver_due_reminders(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """Release expired holds (offering their seats on), queue pending offers and due reminders, then deliver the
    outbox at once (what the jobs and the outbox loop do within a second; for tests and scripts); returns how many
    offers and reminders were queued."""
    from bot.outbox_delivery import deliver_outbox  # the outbox sender imports the handlers, which import us

    _expired, offered = await expire_and_offer(app, now)
    queued = offered + await deliver_reminders(app, now)
    if isinstance(app, KoinotitaApplication):
        while await deliver_outbox(app, utcnow()):
            pass
    return queued


async def expire_and_offer(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> tuple[int, int]:
    """The waiting-list job: release holds that ran out (offering each seat to the next in line) and send the
    offers not sent yet; returns (holds released, offers sent)."""
    if not isinstance(app, KoinotitaApplication):
        return 0, 0
    async with booking_write(app.services.db) as session:
        expired = await expire_holds(session, now)
    return expired, await deliver_offers(app, now)


async def deliver_reminders(app: Application[Any, Any, Any, Any, Any, Any], now: datetime) -> int:
    """The reminder scan: queue every reminder that is due and not sent; returns how many were queued."""
    if not isinstance(app, KoinotitaApplication):
        return 0
    db = app.services.db
    sent = 0
    async with booking_write(db) as session:
        dropped = await drop_unreachable_reminders(session, now)
    if dropped:
        log.info("%s due reminders dropped: their citizens are unreachable", dropped)
    async with db.session() as session:
        ids = await due_reminder_ids(session, now)
    for reminder_id in ids:
        async with booking_write(db) as session:
            claimed = await claim_reminder(session, reminder_id)
            if claimed is None:
                continue
            reminder, appointment = claimed
            citizen = await session.get(Citizen, appointment.citizen_id)
            centre = await session.get(Centre, appointment.centre_id)
            if citizen is None or centre is None or citizen.telegram_id is None or citizen.unreachable_at is not None:
                reminder.dropped_at = now  # booked by a mediator for someone without Telegram, or blocked meanwhile
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
            await queue_message(
                app, session, chat_id=citizen.telegram_id, citizen_id=citizen.id, text=text, markup=markup
            )
            reminder.sent_at = now
            sent += 1
    return sent
