"""When to remind: the day before (at 18:00 Athens time) and two hours before. Rows in the database, so a
restart neither loses nor repeats one; the bot's loop sends those due (bot/reminders.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.slots import local_day, to_utc
from core.models import Citizen
from core.models.booking import BOOKED, Appointment, Reminder

DAY_BEFORE = "day_before"
TWO_HOURS = "two_hours"
DAY_BEFORE_AT = time(18, 0)  # a time of day people read messages; computed in Athens time (DST-safe)


def reminder_times(starts_at: datetime) -> dict[str, datetime]:
    previous_day = local_day(starts_at) - timedelta(days=1)
    return {DAY_BEFORE: to_utc(previous_day, DAY_BEFORE_AT), TWO_HOURS: starts_at - timedelta(hours=2)}


def schedule_reminders(session: AsyncSession, appointment: Appointment, now: datetime) -> list[Reminder]:
    """The reminders still ahead of `now` (booked late, the day-before one is already past: none is sent)."""
    reminders = [
        Reminder(appointment_id=appointment.id, kind=kind, due_at=due)
        for kind, due in reminder_times(appointment.starts_at).items()
        if due > now
    ]
    session.add_all(reminders)
    return reminders


async def drop_reminders(session: AsyncSession, appointment_id: int, now: datetime) -> None:
    await session.execute(
        update(Reminder)
        .where(
            Reminder.appointment_id == appointment_id,
            Reminder.sent_at.is_(None),
            Reminder.dropped_at.is_(None),
        )
        .values(dropped_at=now)
    )


def _due(now: datetime) -> list[Any]:
    return [
        Reminder.due_at <= now,
        Reminder.sent_at.is_(None),
        Reminder.dropped_at.is_(None),
        Appointment.status == BOOKED,
        Appointment.starts_at > now,
    ]


async def drop_unreachable_reminders(session: AsyncSession, now: datetime) -> int:
    """Due reminders of citizens who blocked the bot are dropped, with no call to Telegram (a reminder that
    falls due after they write to the bot again is sent as usual); returns how many."""
    unreachable = (
        select(Reminder.id)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .where(*_due(now), Citizen.unreachable_at.is_not(None))
    )
    ids = list((await session.scalars(unreachable)).all())
    if ids:
        await session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(dropped_at=now))
    return len(ids)


async def due_reminder_ids(session: AsyncSession, now: datetime, limit: int = 200) -> list[int]:
    rows = await session.scalars(
        select(Reminder.id)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .where(*_due(now), Citizen.unreachable_at.is_(None))
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    return list(rows.all())


async def claim_reminder(session: AsyncSession, reminder_id: int) -> tuple[Reminder, Appointment] | None:
    """The reminder, row-locked (PostgreSQL; SQLite holds the write lock already), if it is still to send."""
    reminder = await session.scalar(select(Reminder).where(Reminder.id == reminder_id).with_for_update())
    if reminder is None or reminder.sent_at is not None or reminder.dropped_at is not None:
        return None
    appointment = await session.get(Appointment, reminder.appointment_id)
    if appointment is None or appointment.status != BOOKED:
        return None
    return reminder, appointment
