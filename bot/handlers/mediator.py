"""Mediators of the Roma annexes on Telegram.

- `/start link-<token>`: the one-time deep link that ties a mediator account to this Telegram account
  (`core.booking.mediators.create_link_token`; the CLI prints the link).
- `/mediator`: the menu — book for a citizen (service → day → time → name → optional phone → settlement → the
  citizen's oral consent; the mediator recorded as the one who booked), and the annex's upcoming visits with
  attended / no-show / cancel.

Every step checks again that the Telegram account is linked to an active mediator, and every visit button that
the visit belongs to the mediator's annex. Callback data: `md:m` menu, `md:b` book, `md:u` upcoming,
`md:a|n|x:<id>` attended / no-show / cancel, and `mb:...` for the booking steps (as `bk:` in booking.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.drafts import draft_in, drop_draft, now_utc
from bot.handlers.booking import (
    callback_arg,
    days_markup,
    first_free,
    load_days,
    load_slots,
    parse_day,
    parse_start,
    times_markup,
    valid_name,
    valid_phone,
)
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core import audit
from core.booking import service as booking
from core.booking.availability import services_at
from core.booking.display import centre_name, day_text, service_label, when_text
from core.booking.errors import BookingError, NotBookable
from core.booking.mediators import citizen_for_mediator, mediator_by_telegram, redeem_link_token
from core.booking.tx import booking_write
from core.models import Centre, Citizen, StaffUser
from core.models.booking import BOOKED
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

SERVICE = "md_service"
DAY = "md_day"
TIME = "md_time"
NAME = "md_name"
PHONE = "md_phone"
SETTLEMENT = "md_settlement"
CONSENT = "md_consent"
DRAFT = "mediator_booking"  # user_data, JSON values only, cleared when the booking ends



def draft_of(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return draft_in(context, DRAFT)


def clear_draft(context: ContextTypes.DEFAULT_TYPE) -> None:
    drop_draft(context, DRAFT)


async def current_mediator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> StaffUser | None:
    user = update.effective_user
    if user is None:
        return None
    async with services_of(context).db.session() as session:
        return await mediator_by_telegram(session, user.id)


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await send_text(update, t("md_not_mediator", register_of(context)))
    clear_draft(context)
    return ConversationHandler.END


async def _centre(context: ContextTypes.DEFAULT_TYPE, centre_id: str) -> Centre | None:
    async with services_of(context).db.session() as session:
        return await session.get(Centre, centre_id)


# ------------------------------------------------------------------------------ linking and menu


async def on_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    user = update.effective_user
    token = (context.args or [""])[0].removeprefix("link-")
    if user is None:
        return
    async with booking_write(services_of(context).db) as session:
        mediator = await redeem_link_token(session, token=token, telegram_id=user.id, now=now_utc())
        centre = await session.get(Centre, mediator.centre_id) if mediator and mediator.centre_id else None
    if mediator is None:
        log.info("a mediator link was refused (update %s)", update.update_id)  # never the token
        await send_text(update, t("md_link_bad", register))
        return
    await send_text(update, t("md_linked", register, username=mediator.username,
                              centre=centre_name(centre, register) if centre else ""),
                    keyboard([[(plain("btn_md_book", register), "md:b")],
                              [(plain("btn_md_upcoming", register), "md:u")]]))


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        await _refuse(update, context)
        return
    centre = await _centre(context, mediator.centre_id)
    await send_text(update, t("md_menu", register, centre=centre_name(centre, register) if centre else ""),
                    keyboard([[(plain("btn_md_book", register), "md:b")],
                              [(plain("btn_md_upcoming", register), "md:u")]]))


# ------------------------------------------------------------------------------ booking for a citizen


async def start_booking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    clear_draft(context)
    async with services_of(context).db.session() as session:
        offered = await services_at(session, mediator.centre_id)
        centre = await session.get(Centre, mediator.centre_id)
    rows = [[(service_label(s, register), f"mb:s:{s}")] for s in offered]
    await send_text(update, t("md_choose_service", register, centre=centre_name(centre, register) if centre else ""),
                    keyboard(rows))
    return SERVICE


async def on_service(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    chosen = callback_arg(update)
    async with services_of(context).db.session() as session:
        offered = await services_at(session, mediator.centre_id)
    if chosen not in offered:
        return await show_menu_end(update, context)
    draft_of(context)["service"] = chosen
    return await show_days(update, context)


async def show_days(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    chosen = draft_of(context).get("service")
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    if not isinstance(chosen, str):
        return await show_menu_end(update, context)
    days = await load_days(context, mediator.centre_id, chosen, now_utc())
    centre = await _centre(context, mediator.centre_id)
    if not any(d.free for d in days):
        await send_text(update, t("bk_no_days", register))
        return await show_menu_end(update, context)
    await send_text(update, t("bk_choose_day", register, service=service_label(chosen, register),
                              centre=centre_name(centre, register) if centre else ""),
                    days_markup(days, register, "mb", with_waitlist=False))
    return DAY


async def on_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    chosen = draft_of(context).get("service")
    day = parse_day(callback_arg(update))
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    if not isinstance(chosen, str) or day is None:
        return await show_menu_end(update, context)
    slots = [s for s in await load_slots(context, mediator.centre_id, chosen, day, now_utc()) if s.free]
    if not slots:
        await send_text(update, t("bk_slot_taken", register))
        return await show_days(update, context)
    await send_text(update, t("bk_choose_time", register, day=day_text(day, register)),
                    times_markup(slots, register, "mb"))
    return TIME


async def on_first_free(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    chosen = draft_of(context).get("service")
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    if not isinstance(chosen, str):
        return await show_menu_end(update, context)
    slot = await first_free(context, mediator.centre_id, chosen, now_utc())
    if slot is None:
        return await show_days(update, context)
    await send_text(update, t("bk_first_free", register, when=when_text(slot.starts_at, register)),
                    keyboard([[(plain("btn_book_this", register), f"mb:t:{int(slot.starts_at.timestamp())}")],
                              [(plain("btn_other_time", register), "mb:days")]]))
    return TIME


async def on_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    starts_at = parse_start(callback_arg(update))
    if starts_at is None:
        return await show_menu_end(update, context)
    draft_of(context)["start"] = starts_at.isoformat()
    await send_text(update, t("bk_chosen", register, when=when_text(starts_at, register)))
    await send_text(update, t("md_ask_name", register))
    return NAME


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    name = valid_name(text_of(update))
    if name is None:
        await send_text(update, t("bk_bad_name", register))
        return NAME
    draft_of(context)["name"] = name
    await send_text(update, t("md_ask_phone", register), keyboard([[(plain("btn_md_no_phone", register), "mb:np")]]))
    return PHONE


async def on_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    phone = valid_phone(text_of(update))
    if phone is None:
        await send_text(update, t("bk_bad_phone", register),
                        keyboard([[(plain("btn_md_no_phone", register), "mb:np")]]))
        return PHONE
    draft_of(context)["phone"] = phone
    await send_text(update, t("md_ask_settlement", register))
    return SETTLEMENT


async def on_no_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    draft_of(context)["phone"] = None
    await send_text(update, t("md_ask_settlement", register_of(context)))
    return SETTLEMENT


async def on_settlement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    settlement = " ".join(text_of(update).split())
    if not 2 <= len(settlement) <= 120:
        await send_text(update, t("md_bad_settlement", register))
        return SETTLEMENT
    draft = draft_of(context)
    draft["settlement"] = settlement
    start_iso = draft.get("start")
    when = when_text(datetime.fromisoformat(start_iso), register) if isinstance(start_iso, str) else ""
    await send_text(update, t("md_consent", register, phone=bool(draft.get("phone")), when=when),
                    keyboard([[(plain("btn_md_consent", register), "mb:ok")],
                              [(plain("btn_cancel", register), "x:cancel")]]))
    return CONSENT


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Book with the mediator on the record and the citizen's oral consent; a taken slot shows the days again."""
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    draft = draft_of(context)
    chosen, start_iso, name = draft.get("service"), draft.get("start"), draft.get("name")
    phone, settlement = draft.get("phone"), draft.get("settlement")
    if mediator is None or mediator.centre_id is None:
        return await _refuse(update, context)
    if not (isinstance(chosen, str) and isinstance(start_iso, str) and isinstance(name, str)):
        return await show_menu_end(update, context)
    starts_at = datetime.fromisoformat(start_iso)
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            citizen = await citizen_for_mediator(session, name=name, phone=phone if isinstance(phone, str) else None,
                                                 now=now)
            audit.record(session, actor_kind="mediator", actor_id=str(mediator.id), action="create",
                         record_kind="citizen", record_id=str(citizen.id), details={"consent": "oral"})
            appointment = await booking.book(
                session, citizen_id=citizen.id, centre_id=mediator.centre_id, service=chosen, starts_at=starts_at,
                now=now, consent_kind="oral", booked_by_staff_id=mediator.id,
                settlement=settlement if isinstance(settlement, str) else None)
    except BookingError as exc:
        await send_text(update, t("bk_not_bookable" if isinstance(exc, NotBookable) else "bk_slot_taken", register))
        return await show_days(update, context)
    clear_draft(context)
    await send_text(update, t("md_booked", register, name=name, service=service_label(chosen, register),
                              when=when_text(appointment.starts_at, register)),
                    keyboard([[(plain("btn_md_book", register), "md:b")],
                              [(plain("btn_md_upcoming", register), "md:u")]]))
    return ConversationHandler.END


async def show_menu_end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A stale or forged button in the flow: nothing changes, back to the mediator menu."""
    register = register_of(context)
    clear_draft(context)
    await send_text(update, t("bk_stale", register))
    await show_menu(update, context)
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    clear_draft(context)
    await send_text(update, t("cancelled", register_of(context)))
    return ConversationHandler.END


# ------------------------------------------------------------------------------ upcoming visits


async def show_upcoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        await _refuse(update, context)
        return
    now = now_utc()
    async with booking_write(services_of(context).db) as session:
        centre = await session.get(Centre, mediator.centre_id)
        visits = [(a, await session.get(Citizen, a.citizen_id))
                  for a in await booking.upcoming_for_centre(session, mediator.centre_id, now) if a.status == BOOKED]
        for appointment, _citizen in visits:  # each personal record shown is logged, never its content
            audit.record(session, actor_kind="mediator", actor_id=str(mediator.id), action="view",
                         record_kind="appointment", record_id=str(appointment.id))
    name = centre_name(centre, register) if centre else ""
    if not visits:
        await send_text(update, t("md_upcoming_none", register, centre=name),
                        keyboard([[(plain("btn_md_book", register), "md:b")]]))
        return
    for appointment, citizen in visits:
        text = t("md_visit", register, when=when_text(appointment.starts_at, register),
                 name=(citizen.name if citizen and citizen.name else plain("md_name_unknown", register)),
                 service=service_label(appointment.service, register), settlement=appointment.settlement,
                 by_mediator=appointment.booked_by_kind == "mediator")
        if appointment.starts_at <= now:
            row = [(plain("btn_md_attended", register), f"md:a:{appointment.id}"),
                   (plain("btn_md_no_show", register), f"md:n:{appointment.id}")]
        else:
            row = [(plain("btn_cancel_appointment", register), f"md:x:{appointment.id}")]
        await send_text(update, text, keyboard([row]))


async def on_visit_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if mediator is None or mediator.centre_id is None:
        await _refuse(update, context)
        return
    if len(parts) != 3 or not parts[2].isdigit():
        await show_menu_end(update, context)
        return
    action, appointment_id, now = parts[1], int(parts[2]), now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            if action == "x":
                appointment = await booking.cancel(session, appointment_id=appointment_id, now=now,
                                                   centre_id=mediator.centre_id, actor_kind="mediator",
                                                   actor_id=str(mediator.id))
                key = "md_cancelled"
            else:
                appointment = await booking.mark_attendance(session, appointment_id=appointment_id,
                                                            centre_id=mediator.centre_id, attended=action == "a",
                                                            staff_id=mediator.id, now=now)
                key = "md_marked_attended" if action == "a" else "md_marked_no_show"
    except NotBookable:
        await send_text(update, t("md_not_yet", register))
        return
    except BookingError as exc:
        await send_text(update, t({"already_cancelled": "ap_already_cancelled", "already_past": "ap_past"}.get(
            exc.code, "bk_stale"), register))
        return
    await send_text(update, t(key, register, when=when_text(appointment.starts_at, register)),
                    keyboard([[(plain("btn_md_upcoming", register), "md:u")]]))


def _cb(pattern: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)


CONVERSATION = ConversationHandler(
    entry_points=[_cb(r"^md:b$", start_booking)],
    states={
        SERVICE: [_cb(r"^mb:s:[a-z_]{2,30}$", on_service)],
        DAY: [],
        TIME: [_cb(r"^mb:t:\d{9,11}$", on_time)],
        NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_name)],
        PHONE: [_cb(r"^mb:np$", on_no_phone), MessageHandler(filters.TEXT & ~filters.COMMAND, on_phone)],
        SETTLEMENT: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_settlement)],
        CONSENT: [_cb(r"^mb:ok$", on_consent)],
    },
    fallbacks=[_cb(r"^mb:days$", show_days), _cb(r"^mb:f$", on_first_free), _cb(r"^mb:d:\d{8}$", on_day),
               CommandHandler("cancel", cancel), _cb(r"^x:cancel$", cancel)],
    name="mediator_booking",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("start", on_link, filters=filters.Regex(r"^/start link-[A-Za-z0-9_-]{1,60}$")),
    CommandHandler("mediator", show_menu),
    _cb(r"^md:m$", show_menu),
    CONVERSATION,
    _cb(r"^md:u$", show_upcoming),
    _cb(r"^md:[anx]:\d{1,12}$", on_visit_action),
    _cb(r"^mb:", show_menu_end),  # a booking step's button after the flow ended
]
