"""What every step of the booking flow shares: its states, its draft, parsing the buttons' data, checking typed
names, the day and time pickers, and the kind answers to a stale button and to /cancel.

The draft (`user_data["booking"]`, JSON values only) holds the centre, service, day and time chosen so far and,
when a mediator books for a citizen, `behalf` (the mediator's account id): the same steps then book "on behalf
of" a citizen without Telegram (see bot/handlers/booking_details.py).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, ConversationHandler

from bot.drafts import draft_in, drop_draft, now_utc
from bot.handlers.menu import main_menu_markup
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core.booking.availability import Day, Slot, availability_for, bookable_days, free_slots
from core.booking.display import centre_name, day_label, service_label, time_text, when_text
from core.booking.slots import local_day
from core.centres import get_centre
from core.models import Centre
from core.models.booking import BOOKED, Appointment
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

CENTRE = "bk_centre"
SERVICE = "bk_service"
DAY = "bk_day"
TIME = "bk_time"
WAITLIST = "bk_waitlist"
DETAILS = "bk_details"
NAME = "bk_name"
PHONE = "bk_phone"
SETTLEMENT = "bk_settlement"
CONSENT = "bk_consent"
ORAL_CONSENT = "bk_oral_consent"

DRAFT = "booking"  # user_data: the booking being made (JSON values only; cleared when it ends)
LAST = "booking_last"  # user_data: id of the last appointment booked here (answers a double tap kindly)
DAYS_SHOWN = 12


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return draft_in(context, DRAFT)


def clear_draft(context: ContextTypes.DEFAULT_TYPE) -> None:
    drop_draft(context, DRAFT)


def behalf_of(context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The mediator's account id when this booking is made on behalf of a citizen, else None."""
    value = draft_of(context).get("behalf")
    return value if isinstance(value, int) else None


def selected(context: ContextTypes.DEFAULT_TYPE) -> tuple[str, str] | None:
    """(centre id, service) once both are chosen."""
    draft = draft_of(context)
    centre_id, chosen = draft.get("centre"), draft.get("service")
    if isinstance(centre_id, str) and isinstance(chosen, str):
        return centre_id, chosen
    return None


# ------------------------------------------------------------------------------ parsing what was pressed or typed


def callback_arg(update: Update) -> str:
    """The part after the last ':' of the pressed button's data ('' when there is none)."""
    query = update.callback_query
    data = (query.data or "") if query else ""
    return data.rsplit(":", 1)[-1] if ":" in data else ""


def parse_day(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date() if re.fullmatch(r"\d{8}", value) else None
    except ValueError:
        return None


def parse_start(value: str) -> datetime | None:
    if not re.fullmatch(r"\d{9,11}", value):
        return None
    return datetime.fromtimestamp(int(value), UTC)


# ------------------------------------------------------------------------------ day and time pickers


def days_markup(days: list[Day], register: str, *, with_waitlist: bool = True) -> InlineKeyboardMarkup:
    """The first free time, then the days two to a row; full days lead to their waiting list."""
    rows: list[list[tuple[str, str]]] = []
    if any(d.free for d in days):
        rows.append([(plain("btn_first_free", register), "bk:f")])
    shown = [d for d in days if d.free or (with_waitlist and d.full)][:DAYS_SHOWN]
    buttons = [
        (day_label(d.day, register, full=not d.free), f"bk:{'d' if d.free else 'w'}:{d.day.strftime('%Y%m%d')}")
        for d in shown
    ]
    rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return keyboard(rows)


def times_markup(slots: list[Slot], register: str) -> InlineKeyboardMarkup:
    buttons = [(time_text(s.starts_at), f"bk:t:{int(s.starts_at.timestamp())}") for s in slots if s.free]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([(plain("btn_other_day", register), "bk:days")])
    return keyboard(rows)


async def load_days(context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, now: datetime) -> list[Day]:
    async with services_of(context).db.session() as session:
        avail = await availability_for(session, centre_id, service)
        return await bookable_days(session, avail, now=now) if avail else []


async def load_slots(
    context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, day: date, now: datetime
) -> list[Slot]:
    async with services_of(context).db.session() as session:
        avail = await availability_for(session, centre_id, service)
        return await free_slots(session, avail, day, now=now) if avail else []


async def first_free(context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, now: datetime) -> Slot | None:
    for day in await load_days(context, centre_id, service, now):
        if day.free:
            slots = await load_slots(context, centre_id, service, day.day, now)
            found = next((s for s in slots if s.free), None)
            if found is not None:
                return found
    return None


async def centre_of(context: ContextTypes.DEFAULT_TYPE, centre_id: str) -> Centre | None:
    async with services_of(context).db.session() as session:
        return await get_centre(session, centre_id)


def no_days_markup(context: ContextTypes.DEFAULT_TYPE) -> InlineKeyboardMarkup:
    register = register_of(context)
    if behalf_of(context) is not None:
        return keyboard([[(plain("btn_md_upcoming", register), "md:u")], [(plain("btn_md_book", register), "md:b")]])
    return keyboard([[(plain("btn_other_centre", register), "bk:list")], [(plain("btn_menu", register), "m:menu")]])


async def show_days(update: Update, context: ContextTypes.DEFAULT_TYPE, notice: str | None = None) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    chosen = selected(context)
    if chosen is None:
        return await stale(update, context)
    centre_id, service = chosen
    centre = await centre_of(context, centre_id)
    days = await load_days(context, centre_id, service, now_utc())
    on_behalf = behalf_of(context) is not None  # a citizen without Telegram cannot be offered a seat later
    if notice:
        await send_text(update, notice)
    if centre is None or not any(d.free or (d.full and not on_behalf) for d in days):
        await send_text(update, t("bk_no_days", register), no_days_markup(context))
        return CENTRE
    await send_text(
        update,
        t("bk_choose_day", register, service=service_label(service, register), centre=centre_name(centre, register)),
        days_markup(days, register, with_waitlist=not on_behalf),
    )
    return DAY


async def alternatives(
    update: Update, context: ContextTypes.DEFAULT_TYPE, notice_key: str, starts_at: datetime | None
) -> str | int:
    """After a taken or past time: the other free times that day, or else the days."""
    register = register_of(context)
    chosen = selected(context)
    if chosen is None:
        return await stale(update, context)
    if starts_at is not None:
        slots = [s for s in await load_slots(context, *chosen, local_day(starts_at), now_utc()) if s.free]
        if slots:
            await send_text(update, t(notice_key, register), times_markup(slots, register))
            return TIME
    return await show_days(update, context, t(notice_key, register))


# ------------------------------------------------------------------------------ stale buttons and /cancel


def stale_markup(register: str) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(plain("btn_book", register), "m:book")],
            [(plain("btn_my_appointments", register), "ap:l")],
            [(plain("btn_menu", register), "m:menu")],
        ]
    )


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A button from an older message, or forged data: say so kindly, offer the next steps, change nothing."""
    register = register_of(context)
    query = update.callback_query
    if query is not None:
        log.info("stale booking button (update %s)", update.update_id)  # never the data: it may be forged
    if behalf_of(context) is not None:
        clear_draft(context)
        await send_text(
            update,
            t("bk_stale", register),
            keyboard([[(plain("btn_md_book", register), "md:b")], [(plain("btn_md_upcoming", register), "md:u")]]),
        )
        return ConversationHandler.END
    data = context.user_data or {}
    last = data.get(LAST)
    if query is not None and (query.data or "") in ("bk:yes", "bk:ok") and isinstance(last, int):
        async with services_of(context).db.session() as session:
            appointment = await session.get(Appointment, last)
        if appointment is not None and appointment.status == BOOKED:  # a double tap on the last step
            await send_text(
                update,
                t("bk_already_booked", register, when=when_text(appointment.starts_at, register)),
                stale_markup(register),
            )
            return ConversationHandler.END
    await send_text(update, t("bk_stale", register), stale_markup(register))
    return ConversationHandler.END


async def on_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    await stale(update, context)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    clear_draft(context)
    await send_text(update, t("cancelled", register), ReplyKeyboardRemove())
    await send_text(update, t("menu", register), main_menu_markup(register))
    return ConversationHandler.END


def on_button(pattern: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)
