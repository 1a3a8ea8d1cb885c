"""A citizen's appointments: the list (from the menu, /appointments or "πότε είναι το ραντεβού μου;"), cancel
with a confirmation, "I'll come" from a reminder, and taking or declining a waiting-list offer. Rescheduling
starts the booking flow (`ap:r:<id>`, handled in bot/handlers/booking.py).

Callback data: `ap:l` the list, `ap:x:<id>` ask to cancel, `ap:xy:<id>` cancel, `ap:k` keep, `ap:ok:<id>` I'll
come, `wl:y:<id>` / `wl:n:<id>` take or decline an offer, `wl:l:<id>` leave a waiting list (or a held
seat). The id is checked against the person pressing it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.drafts import now_utc
from bot.handlers.booking_finish import send_confirmation
from bot.handlers.booking_steps import callback_arg, stale, stale_markup
from bot.handlers.menu import main_menu_markup
from bot.nlu_access import IntentFilter
from bot.reminders import deliver_offers
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core import audit
from core.booking import service as booking
from core.booking import waitlist
from core.booking.display import centre_name, day_text, service_label, until_text, when_text
from core.booking.errors import AlreadyCancelled, AlreadyPast, BookingError, NotFound, OfferGone
from core.booking.tx import booking_write
from core.citizens import citizen_by_telegram_id
from core.models import Centre
from core.models.booking import Appointment, WaitlistEntry
from knowledge.messages import plain, t


async def _citizen_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    user = update.effective_user
    if user is None:
        return None
    async with services_of(context).db.session() as session:
        citizen = await citizen_by_telegram_id(session, user.id)
    return citizen.id if citizen else None


def _id_arg(update: Update) -> int | None:
    arg = callback_arg(update)
    return int(arg) if arg.isdigit() and len(arg) <= 12 else None


async def show_appointments(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Booked appointments, then seats held from a waiting list (with the hold's end) and waiting-list places,
    each with its way out."""
    await acknowledge(update)
    register = register_of(context)
    citizen_id = await _citizen_id(update, context)
    items: list[tuple[Appointment, Centre | None]] = []
    places: list[tuple[WaitlistEntry, Appointment | None, Centre | None, int]] = []
    now = now_utc()
    if citizen_id is not None:
        async with booking_write(services_of(context).db) as session:
            for appointment in await booking.upcoming_for_citizen(session, citizen_id, now):
                items.append((appointment, await session.get(Centre, appointment.centre_id)))
            for entry, hold in await waitlist.places_for_citizen(session, citizen_id, now):
                places.append(
                    (entry, hold, await session.get(Centre, entry.centre_id), await waitlist.position(session, entry))
                )
            if items or places:
                audit.record(
                    session,
                    actor_kind="citizen",
                    actor_id=str(citizen_id),
                    action="view",
                    record_kind="appointment",
                    record_id=None,
                    details={"count": len(items), "waiting": len(places)},
                )
    if not items and not places:
        await send_text(
            update,
            t("ap_none", register),
            keyboard([[(plain("btn_book", register), "m:book")], [(plain("btn_menu", register), "m:menu")]]),
        )
        return
    await send_text(update, t("ap_title", register))
    for appointment, centre in items:
        text = t(
            "ap_item",
            register,
            when=when_text(appointment.starts_at, register),
            service=service_label(appointment.service, register),
            centre=centre_name(centre, register) if centre else "",
            confirmed=appointment.confirmed_at is not None,
        )
        await send_text(
            update,
            text,
            keyboard(
                [
                    [
                        (plain("btn_cancel_appointment", register), f"ap:x:{appointment.id}"),
                        (plain("btn_reschedule", register), f"ap:r:{appointment.id}"),
                    ]
                ]
            ),
        )
    for entry, hold, centre, place in places:
        await _show_place(update, register, entry, hold, centre, place, now)


async def _show_place(
    update: Update,
    register: str,
    entry: WaitlistEntry,
    hold: Appointment | None,
    centre: Centre | None,
    place: int,
    now: datetime,
) -> None:
    name = centre_name(centre, register) if centre else ""
    leave = (plain("btn_leave_waitlist", register), f"wl:l:{entry.id}")
    if hold is not None and hold.hold_expires_at is not None:
        text = t(
            "ap_held_item",
            register,
            when=when_text(hold.starts_at, register),
            service=service_label(entry.service, register),
            centre=name,
            until=until_text(hold.hold_expires_at, now, register),
        )
        await send_text(update, text, keyboard([[(plain("btn_take_offer", register), f"wl:y:{entry.id}")], [leave]]))
        return
    text = t(
        "ap_waiting_item",
        register,
        day=day_text(entry.day, register),
        service=service_label(entry.service, register),
        centre=name,
        position=place,
    )
    await send_text(update, text, keyboard([[leave]]))


async def leave_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`wl:l:<id>`: leave a waiting list (a held seat goes to the next in line at once)."""
    await acknowledge(update)
    register = register_of(context)
    citizen_id = await _citizen_id(update, context)
    entry_id = _id_arg(update)
    if citizen_id is None or entry_id is None:
        await stale(update, context)
        return
    try:
        async with booking_write(services_of(context).db) as session:
            await waitlist.leave_waitlist(session, entry_id=entry_id, citizen_id=citizen_id, now=now_utc())
    except OfferGone:
        await send_text(update, t("ap_waitlist_gone", register), stale_markup(register))
        return
    await deliver_offers(context.application, now_utc())
    await send_text(
        update,
        t("ap_waitlist_left", register),
        keyboard([[(plain("btn_my_appointments", register), "ap:l")], [(plain("btn_menu", register), "m:menu")]]),
    )


async def _own_appointment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int, Appointment] | None:
    citizen_id = await _citizen_id(update, context)
    appointment_id = _id_arg(update)
    if citizen_id is None or appointment_id is None:
        return None
    async with services_of(context).db.session() as session:
        appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.citizen_id != citizen_id:
        return None
    return citizen_id, appointment


async def _refusal(update: Update, context: ContextTypes.DEFAULT_TYPE, error: BookingError) -> None:
    register = register_of(context)
    key = {AlreadyCancelled: "ap_already_cancelled", AlreadyPast: "ap_past"}.get(type(error), "bk_stale")
    await send_text(update, t(key, register), stale_markup(register))


async def ask_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    found = await _own_appointment(update, context)
    if found is None:
        await stale(update, context)
        return
    _citizen, appointment = found
    if appointment.status != "booked":
        await _refusal(update, context, AlreadyCancelled())
        return
    if appointment.starts_at <= now_utc():
        await _refusal(update, context, AlreadyPast())
        return
    await send_text(
        update,
        t(
            "ap_cancel_ask",
            register,
            when=when_text(appointment.starts_at, register),
            when_of=when_text(appointment.starts_at, register, "gen"),  # «το ραντεβού της Πέμπτης…»
        ),
        keyboard(
            [
                [(plain("btn_confirm_cancel", register), f"ap:xy:{appointment.id}")],
                [(plain("btn_keep", register), "ap:k")],
            ]
        ),
    )


async def do_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    found = await _own_appointment(update, context)
    if found is None:
        await stale(update, context)
        return
    citizen_id, appointment = found
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            await booking.cancel(
                session,
                appointment_id=appointment.id,
                citizen_id=citizen_id,
                now=now,
                actor_kind="citizen",
                actor_id=str(citizen_id),
            )
    except (NotFound, AlreadyCancelled, AlreadyPast) as exc:
        await _refusal(update, context, exc)
        return
    await send_text(
        update,
        t("ap_cancelled", register, when=when_text(appointment.starts_at, register, "gen")),
        keyboard([[(plain("btn_book", register), "m:book")], [(plain("btn_menu", register), "m:menu")]]),
    )
    await deliver_offers(context.application, now)  # the freed seat may be held for someone waiting


async def keep(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("ap_kept", register), main_menu_markup(register))


async def will_come(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    found = await _own_appointment(update, context)
    if found is None:
        await stale(update, context)
        return
    citizen_id, appointment = found
    try:
        async with booking_write(services_of(context).db) as session:
            await booking.confirm(session, appointment_id=appointment.id, citizen_id=citizen_id, now=now_utc())
    except (NotFound, AlreadyCancelled, AlreadyPast) as exc:
        await _refusal(update, context, exc)
        return
    await send_text(
        update, t("ap_confirmed", register, when=when_text(appointment.starts_at, register)), main_menu_markup(register)
    )


async def take_offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    citizen_id = await _citizen_id(update, context)
    entry_id = _id_arg(update)
    if citizen_id is None or entry_id is None:
        await stale(update, context)
        return
    try:
        async with booking_write(services_of(context).db) as session:
            appointment = await waitlist.accept_offer(session, entry_id=entry_id, citizen_id=citizen_id, now=now_utc())
    except OfferGone:
        await send_text(update, t("bk_offer_gone", register), stale_markup(register))
        return
    await send_confirmation(update, context, appointment)


async def decline_offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    citizen_id = await _citizen_id(update, context)
    entry_id = _id_arg(update)
    if citizen_id is None or entry_id is None:
        await stale(update, context)
        return
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            await waitlist.decline_offer(session, entry_id=entry_id, citizen_id=citizen_id, now=now)
    except OfferGone:
        await send_text(update, t("bk_offer_gone", register), stale_markup(register))
        return
    await send_text(update, t("bk_offer_declined", register), main_menu_markup(register))
    await deliver_offers(context.application, now)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("appointments", show_appointments),
    CallbackQueryHandler(show_appointments, pattern=r"^(ap:l|m:appts)$"),
    MessageHandler(
        filters.TEXT
        & ~filters.COMMAND
        & IntentFilter("my_appointments", "cancel_appointment", "reschedule_appointment"),
        show_appointments,
    ),
    CallbackQueryHandler(ask_cancel, pattern=r"^ap:x:\d{1,12}$"),
    CallbackQueryHandler(do_cancel, pattern=r"^ap:xy:\d{1,12}$"),
    CallbackQueryHandler(keep, pattern=r"^ap:k$"),
    CallbackQueryHandler(will_come, pattern=r"^ap:ok:\d{1,12}$"),
    CallbackQueryHandler(take_offer, pattern=r"^wl:y:\d{1,12}$"),
    CallbackQueryHandler(decline_offer, pattern=r"^wl:n:\d{1,12}$"),
    CallbackQueryHandler(leave_place, pattern=r"^wl:l:\d{1,12}$"),
]
