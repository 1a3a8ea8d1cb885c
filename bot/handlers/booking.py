"""Booking an appointment: centre (shared location, typed place or list; the annex offered to those it serves)
→ service → a day with free slots (full days lead to the waiting list) → a time → name, phone and consent
(remembered for next time) → confirmation and an .ics file. Also entered to reschedule (`ap:r:<id>`).

Callback data (`bk:`): `c:<centre>`, `s:<service>`, `d:<YYYYMMDD>` a day, `w:<YYYYMMDD>` a full day, `wy` join
its waiting list, `f` the first free time, `t:<unix seconds>` a time, `days` back to the days, `list` all
centres, `ok`/`ed` saved details or other ones, `yes`/`no` consent. Every one is checked against the database
when pressed: a stale or forged button gets a kind answer with alternatives and changes nothing.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any

import phonenumbers
from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
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
from bot.handlers.menu import main_menu_markup
from bot.nlu_access import IntentFilter
from bot.reminders import deliver_offers
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core import audit
from core.booking import service as booking
from core.booking.availability import Day, Slot, availability_for, bookable_days, free_slots, services_at
from core.booking.display import centre_name, day_label, day_text, service_label, time_text, when_text, where_text
from core.booking.errors import (
    AlreadyBooked,
    BookingError,
    LimitReached,
    NotBookable,
    SlotTaken,
)
from core.booking.ics import calendar_file
from core.booking.policy import policy
from core.booking.slots import local_day
from core.booking.tx import booking_write
from core.booking.waitlist import join_waitlist, position
from core.centres import get_centre, list_centres
from core.citizens import citizen_by_telegram_id, get_or_create_citizen
from core.models import Centre, Citizen
from core.models.booking import BOOKED, Appointment
from core.routing import RouteResult
from knowledge.geo import haversine_km
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
CONSENT = "bk_consent"

DRAFT = "booking"  # user_data: the booking being made (JSON values only; cleared when it ends)
LAST = "booking_last"  # user_data: id of the last appointment booked here (answers a double tap kindly)
CONSENT_VERSION = "booking-1"
DAYS_SHOWN = 12
NEAREST_SHOWN = 4
_NAME_OK = re.compile(r"^[^\d@#/<>{}\[\]=+*_|\\]{2,100}$")



def draft_of(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return draft_in(context, DRAFT)


def clear_draft(context: ContextTypes.DEFAULT_TYPE) -> None:
    drop_draft(context, DRAFT)


# ------------------------------------------------------------------------------ parsing callback data


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


def valid_name(text: str) -> str | None:
    name = " ".join(text.split())
    return name if _NAME_OK.match(name) and any(ch.isalpha() for ch in name) else None


def valid_phone(text: str) -> str | None:
    """A valid Greek number (mobile or landline) in E.164, or None."""
    try:
        number = phonenumbers.parse(text.strip(), "GR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "GR":
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, "GR"), phonenumbers.PhoneNumberFormat.NATIONAL)


# ------------------------------------------------------------------------------ shared day/time pickers


def days_markup(days: list[Day], register: str, prefix: str, *, with_waitlist: bool = True) -> InlineKeyboardMarkup:
    """The first free time, then the days two to a row; full days lead to their waiting list."""
    rows: list[list[tuple[str, str]]] = []
    if any(d.free for d in days):
        rows.append([(plain("btn_first_free", register), f"{prefix}:f")])
    shown = [d for d in days if d.free or (with_waitlist and d.full)][:DAYS_SHOWN]
    buttons = [(day_label(d.day, register, full=not d.free),
                f"{prefix}:{'d' if d.free else 'w'}:{d.day.strftime('%Y%m%d')}") for d in shown]
    rows += [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return keyboard(rows)


def times_markup(slots: list[Slot], register: str, prefix: str) -> InlineKeyboardMarkup:
    buttons = [(time_text(s.starts_at), f"{prefix}:t:{int(s.starts_at.timestamp())}") for s in slots if s.free]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    rows.append([(plain("btn_other_day", register), f"{prefix}:days")])
    return keyboard(rows)


async def load_days(context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, now: datetime) -> list[Day]:
    async with services_of(context).db.session() as session:
        avail = await availability_for(session, centre_id, service)
        return await bookable_days(session, avail, now=now) if avail else []


async def load_slots(context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, day: date,
                     now: datetime) -> list[Slot]:
    async with services_of(context).db.session() as session:
        avail = await availability_for(session, centre_id, service)
        return await free_slots(session, avail, day, now=now) if avail else []


async def first_free(context: ContextTypes.DEFAULT_TYPE, centre_id: str, service: str, now: datetime
                     ) -> Slot | None:
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


# ------------------------------------------------------------------------------ entry and centre


def place_markup(register: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(plain("btn_send_location", register), request_location=True)],
         [KeyboardButton(plain("btn_centre_list", register)), KeyboardButton(plain("btn_cancel", register))]],
        resize_keyboard=True, one_time_keyboard=True,
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    clear_draft(context)
    draft_of(context)
    register = register_of(context)
    await send_text(update, t("bk_ask_place", register), place_markup(register))
    return CENTRE


async def start_from_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """"I want an appointment" restarts the flow — except digits typed at the phone step, which the intent
    classifier may take for anything: there they are the answer (right or wrong)."""
    if draft_of(context).get("step") == PHONE and any(ch.isdigit() for ch in text_of(update)):
        return await on_phone(update, context)
    return await start(update, context)


async def offer_centres(update: Update, context: ContextTypes.DEFAULT_TYPE, ids: list[str], place: str | None
                        ) -> str:
    register = register_of(context)
    rows: list[list[tuple[str, str]]] = []
    async with services_of(context).db.session() as session:
        for centre_id in dict.fromkeys(ids):
            centre = await get_centre(session, centre_id)
            if centre is not None:
                rows.append([(centre_name(centre, register), f"bk:c:{centre.id}")])
    rows.append([(plain("btn_other_centre", register), "bk:list")])
    await send_text(update, t("bk_choose_centre", register, place=place), keyboard(rows))
    return CENTRE


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Every centre; the nearest first when the citizen shared a location."""
    await acknowledge(update)
    register = register_of(context)
    near = draft_of(context).get("near")
    async with services_of(context).db.session() as session:
        centres = await list_centres(session)
    if isinstance(near, list) and len(near) == 2:
        centres.sort(key=lambda c: haversine_km(near[0], near[1], c.lat, c.lon)
                     if c.lat is not None and c.lon is not None else 1e9)
    rows = [[(centre_name(c, register), f"bk:c:{c.id}")] for c in centres]
    await send_text(update, t("bk_choose_from_list", register), keyboard(rows))
    return CENTRE


def _routed_ids(context: ContextTypes.DEFAULT_TYPE, result: RouteResult) -> list[str]:
    """The serving centre, then the annexes that serve that municipality (offered, never imposed)."""
    router = services_of(context).router
    ids: list[str] = []
    if result.centre_id:
        ids.append(result.centre_id)
    if result.municipality_id:
        ids += router.annexes_for(result.municipality_id)
    ids += result.candidates
    for municipality in result.candidate_municipalities:
        ids += router.annexes_for(municipality)
    return ids


async def on_place_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    text = text_of(update).strip()
    register = register_of(context)
    if text == plain("btn_centre_list", register):
        return await show_list(update, context)
    if text == plain("btn_cancel", register):
        return await cancel(update, context)
    result = services_of(context).router.route_text(text)
    ids = _routed_ids(context, result)
    if ids:
        return await offer_centres(update, context, ids, result.place)
    if result.municipality_id is not None:  # a known place no centre is known to serve: all centres
        return await show_list(update, context)
    await send_text(update, t("centre_unknown_place", register), place_markup(register))
    return CENTRE


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    message = update.effective_message
    register = register_of(context)
    if message is None or message.location is None:
        return CENTRE
    lat, lon = message.location.latitude, message.location.longitude
    routed = services_of(context).router.route_location(lat, lon)
    if routed is None:
        await send_text(update, t("centre_outside_region", register), place_markup(register))
        return CENTRE
    draft_of(context)["near"] = [lat, lon]
    ids = _routed_ids(context, routed)
    async with services_of(context).db.session() as session:
        others = [c for c in await list_centres(session) if c.lat is not None and c.lon is not None]
    others.sort(key=lambda c: haversine_km(lat, lon, c.lat or 0.0, c.lon or 0.0))
    ids += [c.id for c in others][:NEAREST_SHOWN]
    return await offer_centres(update, context, ids, routed.place)


async def on_centre(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    centre_id = callback_arg(update)
    async with services_of(context).db.session() as session:
        centre = await get_centre(session, centre_id)
        offered = await services_at(session, centre_id) if centre else []
    if centre is None:
        return await stale(update, context)
    if not offered:
        await send_text(update, t("bk_no_services", register), keyboard([[(plain("btn_other_centre", register),
                                                                           "bk:list")]]))
        return CENTRE
    draft = draft_of(context)
    draft.update(centre=centre.id)
    draft.pop("service", None)
    rows = [[(service_label(s, register), f"bk:s:{s}")] for s in offered]
    await send_text(update, t("bk_choose_service", register, centre=centre_name(centre, register)), keyboard(rows))
    return SERVICE


async def on_service(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    draft = draft_of(context)
    chosen = callback_arg(update)
    centre_id = draft.get("centre")
    if not isinstance(centre_id, str):
        return await stale(update, context)
    async with services_of(context).db.session() as session:
        offered = await services_at(session, centre_id)
    if chosen not in offered:
        return await stale(update, context)
    draft["service"] = chosen
    return await show_days(update, context)


# ------------------------------------------------------------------------------ day and time


def _selected(context: ContextTypes.DEFAULT_TYPE) -> tuple[str, str] | None:
    draft = draft_of(context)
    centre_id, chosen = draft.get("centre"), draft.get("service")
    if isinstance(centre_id, str) and isinstance(chosen, str):
        return centre_id, chosen
    return None


async def show_days(update: Update, context: ContextTypes.DEFAULT_TYPE, notice: str | None = None) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    selected = _selected(context)
    if selected is None:
        return await stale(update, context)
    centre_id, chosen = selected
    centre = await centre_of(context, centre_id)
    days = await load_days(context, centre_id, chosen, now_utc())
    if notice:
        await send_text(update, notice)
    if centre is None or not any(d.free or d.full for d in days):
        await send_text(update, t("bk_no_days", register),
                        keyboard([[(plain("btn_other_centre", register), "bk:list")],
                                  [(plain("btn_menu", register), "m:menu")]]))
        return CENTRE
    await send_text(update, t("bk_choose_day", register, service=service_label(chosen, register),
                              centre=centre_name(centre, register)), days_markup(days, register, "bk"))
    return DAY


async def on_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    selected = _selected(context)
    day = parse_day(callback_arg(update))
    if selected is None or day is None:
        return await stale(update, context)
    slots = [s for s in await load_slots(context, *selected, day, now_utc()) if s.free]
    if not slots:  # taken meanwhile, in the past, or never a working day
        return await show_days(update, context, t("bk_slot_taken", register))
    draft_of(context)["day"] = day.isoformat()
    await send_text(update, t("bk_choose_time", register, day=day_text(day, register)),
                    times_markup(slots, register, "bk"))
    return TIME


async def on_first_free(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    selected = _selected(context)
    if selected is None:
        return await stale(update, context)
    slot = await first_free(context, *selected, now_utc())
    if slot is None:
        return await show_days(update, context)
    await send_text(update, t("bk_first_free", register, when=when_text(slot.starts_at, register)),
                    keyboard([[(plain("btn_book_this", register), f"bk:t:{int(slot.starts_at.timestamp())}")],
                              [(plain("btn_other_time", register), "bk:days")]]))
    return TIME


async def slot_is_free(context: ContextTypes.DEFAULT_TYPE, centre_id: str, chosen: str, starts_at: datetime
                       ) -> bool:
    slots = await load_slots(context, centre_id, chosen, local_day(starts_at), now_utc())
    return any(s.starts_at == starts_at and s.free for s in slots)


async def alternatives(update: Update, context: ContextTypes.DEFAULT_TYPE, notice_key: str,
                       starts_at: datetime | None) -> str | int:
    """After a taken or past time: the other free times that day, or else the days."""
    register = register_of(context)
    selected = _selected(context)
    if selected is None:
        return await stale(update, context)
    if starts_at is not None:
        slots = [s for s in await load_slots(context, *selected, local_day(starts_at), now_utc()) if s.free]
        if slots:
            await send_text(update, t(notice_key, register), times_markup(slots, register, "bk"))
            return TIME
    return await show_days(update, context, t(notice_key, register))


async def on_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    selected = _selected(context)
    starts_at = parse_start(callback_arg(update))
    if selected is None or starts_at is None:
        return await stale(update, context)
    if not await slot_is_free(context, *selected, starts_at):
        key = "bk_not_bookable" if starts_at <= now_utc() else "bk_slot_taken"
        return await alternatives(update, context, key, starts_at)
    draft = draft_of(context)
    draft.update(start=starts_at.isoformat(), action="book")
    await send_text(update, t("bk_chosen", register, when=when_text(starts_at, register)))
    return await ask_details(update, context)


async def on_full_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    selected = _selected(context)
    day = parse_day(callback_arg(update))
    if selected is None or day is None:
        return await stale(update, context)
    days = {d.day: d for d in await load_days(context, *selected, now_utc())}
    if day not in days:
        return await show_days(update, context, t("bk_not_bookable", register))
    if days[day].free:  # someone cancelled meanwhile: show the times instead
        return await on_day(update, context)
    draft_of(context)["day"] = day.isoformat()
    await send_text(update, t("bk_day_full", register, day=day_text(day, register)),
                    keyboard([[(plain("btn_join_waitlist", register), "bk:wy")],
                              [(plain("btn_other_day", register), "bk:days")]]))
    return WAITLIST


async def on_join_waitlist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    draft = draft_of(context)
    if _selected(context) is None or not isinstance(draft.get("day"), str):
        return await stale(update, context)
    draft["action"] = "waitlist"
    return await ask_details(update, context)


# ------------------------------------------------------------------------------ details and consent


async def ask_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    user = update.effective_user
    citizen: Citizen | None = None
    if user is not None:
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
    if citizen is not None and citizen.name and citizen.phone and citizen.consent_at is not None:
        await send_text(update, t("bk_use_saved", register, name=citizen.name, phone=phone_display(citizen.phone)),
                        keyboard([[(plain("btn_yes_these", register), "bk:ok")],
                                  [(plain("btn_other_details", register), "bk:ed")]]))
        return DETAILS
    draft_of(context)["step"] = NAME
    await send_text(update, t("bk_ask_name", register))
    return NAME


async def on_saved_ok(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    return await finish(update, context)


async def on_edit_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    draft_of(context)["step"] = NAME
    await send_text(update, t("bk_ask_name", register_of(context)))
    return NAME


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    name = valid_name(text_of(update))
    if name is None:
        await send_text(update, t("bk_bad_name", register))
        return NAME
    draft_of(context).update(name=name, step=PHONE)
    await send_text(update, t("bk_ask_phone", register))
    return PHONE


async def on_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    phone = valid_phone(text_of(update))
    if phone is None:
        await send_text(update, t("bk_bad_phone", register))
        return PHONE
    draft_of(context).update(phone=phone, step=CONSENT)
    await send_text(update, t("bk_consent", register), keyboard([[(plain("btn_agree", register), "bk:yes")],
                                                                [(plain("btn_disagree", register), "bk:no")]]))
    return CONSENT


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Remember the details first (their own transaction: consent stands even if the slot is then gone)."""
    await acknowledge(update)
    user = update.effective_user
    draft = draft_of(context)
    name, phone = draft.get("name"), draft.get("phone")
    if user is None or not isinstance(name, str) or not isinstance(phone, str):
        return await stale(update, context)
    async with booking_write(services_of(context).db) as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        citizen.name, citizen.phone = name, phone
        citizen.consent_at, citizen.consent_version = now_utc(), CONSENT_VERSION
        audit.record(session, actor_kind="citizen", actor_id=str(citizen.id), action="consent",
                     record_kind="citizen", record_id=str(citizen.id), details={"purpose": "booking"})
    draft.pop("name", None)
    draft.pop("phone", None)
    return await finish(update, context)


async def on_decline_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    clear_draft(context)
    await send_text(update, t("bk_consent_declined", register), main_menu_markup(register))
    return ConversationHandler.END


# ------------------------------------------------------------------------------ booking itself


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    draft = draft_of(context)
    if draft.get("action") == "waitlist":
        return await _finish_waitlist(update, context)
    return await _finish_booking(update, context)


async def _finish_booking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    user = update.effective_user
    draft = draft_of(context)
    selected = _selected(context)
    start_iso = draft.get("start")
    if user is None or selected is None or not isinstance(start_iso, str):
        return await stale(update, context)
    starts_at = datetime.fromisoformat(start_iso)
    reschedule = draft.get("reschedule") if isinstance(draft.get("reschedule"), int) else None
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            citizen = await get_or_create_citizen(session, telegram_id=user.id)
            appointment = await booking.book(session, citizen_id=citizen.id, centre_id=selected[0],
                                             service=selected[1], starts_at=starts_at, now=now,
                                             reschedule_of=reschedule)
    except AlreadyBooked as exc:
        clear_draft(context)
        await send_text(update, t("bk_already_booked", register, when=when_text(exc.starts_at, register)),
                        main_menu_markup(register))
        return ConversationHandler.END
    except LimitReached:
        clear_draft(context)
        await send_text(update, t("bk_limit", register, limit=policy().max_future_bookings),
                        keyboard([[(plain("btn_my_appointments", register), "ap:l")],
                                  [(plain("btn_menu", register), "m:menu")]]))
        return ConversationHandler.END
    except SlotTaken:
        return await alternatives(update, context, "bk_slot_taken", starts_at)
    except NotBookable:
        return await alternatives(update, context, "bk_not_bookable", starts_at)
    clear_draft(context)
    if context.user_data is not None:
        context.user_data[LAST] = appointment.id
    if reschedule is not None:
        await send_text(update, t("bk_rescheduled", register))
        # The old seat may now be held for someone on that day's waiting list: tell them at once.
        await deliver_offers(context.application, now)
    await send_confirmation(update, context, appointment)
    return ConversationHandler.END


async def send_confirmation(update: Update, context: ContextTypes.DEFAULT_TYPE, appointment: Appointment) -> None:
    register = register_of(context)
    centre = await centre_of(context, appointment.centre_id)
    if centre is None:
        return
    values = {"service": service_label(appointment.service, register), "centre": centre_name(centre, register),
              "when": when_text(appointment.starts_at, register), "where": where_text(centre, register)}
    await send_text(update, t("bk_confirmed", register, **values), ReplyKeyboardRemove())
    ics = calendar_file(
        uid=f"appointment-{appointment.id}@koinotita", starts_at=appointment.starts_at, ends_at=appointment.ends_at,
        title=plain("bk_ics_title", register, service=values["service"], centre=values["centre"]),
        location=values["where"], description=None, now=now_utc())
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(document=ics, filename=f"rantevou-{local_day(appointment.starts_at)}.ics",
                                 caption=plain("bk_ics_caption", register),
                                 reply_markup=keyboard([[(plain("btn_my_appointments", register), "ap:l")],
                                                        [(plain("btn_menu", register), "m:menu")]]))


async def _finish_waitlist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    user = update.effective_user
    draft = draft_of(context)
    selected = _selected(context)
    day_iso = draft.get("day")
    if user is None or selected is None or not isinstance(day_iso, str):
        return await stale(update, context)
    day = date.fromisoformat(day_iso)
    try:
        async with booking_write(services_of(context).db) as session:
            citizen = await get_or_create_citizen(session, telegram_id=user.id)
            entry = await join_waitlist(session, citizen_id=citizen.id, centre_id=selected[0],
                                        service=selected[1], day=day, now=now_utc())
            place = await position(session, entry)
    except LimitReached:
        clear_draft(context)
        await send_text(update, t("bk_limit", register, limit=policy().max_future_bookings),
                        keyboard([[(plain("btn_my_appointments", register), "ap:l")]]))
        return ConversationHandler.END
    except BookingError:
        return await show_days(update, context, t("bk_not_bookable", register))
    clear_draft(context)
    await send_text(update, t("bk_waitlist_joined", register, day=day_text(day, register), position=place),
                    main_menu_markup(register))
    return ConversationHandler.END


# ------------------------------------------------------------------------------ reschedule, stale, cancel


async def start_reschedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """From "my appointments": the same centre and service, a new day; the old one goes once the new is booked."""
    await acknowledge(update)
    register = register_of(context)
    user = update.effective_user
    arg = callback_arg(update)
    appointment: Appointment | None = None
    if user is not None and arg.isdigit():
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
            appointment = await session.get(Appointment, int(arg))
            if citizen is None or appointment is None or appointment.citizen_id != citizen.id:
                appointment = None
    if appointment is None or appointment.status != BOOKED:
        await send_text(update, t("ap_already_cancelled" if appointment else "bk_stale", register),
                        stale_markup(register))
        return ConversationHandler.END
    if appointment.starts_at <= now_utc():
        await send_text(update, t("ap_past", register), stale_markup(register))
        return ConversationHandler.END
    clear_draft(context)
    draft_of(context).update(centre=appointment.centre_id, service=appointment.service, reschedule=appointment.id)
    await send_text(update, t("ap_reschedule", register, when=when_text(appointment.starts_at, register)))
    return await show_days(update, context)


def stale_markup(register: str) -> InlineKeyboardMarkup:
    return keyboard([[(plain("btn_book", register), "m:book")],
                     [(plain("btn_my_appointments", register), "ap:l")],
                     [(plain("btn_menu", register), "m:menu")]])


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A button from an older message, or forged data: say so kindly, offer the next steps, change nothing."""
    register = register_of(context)
    query = update.callback_query
    if query is not None:
        log.info("stale booking button (update %s)", update.update_id)  # never the data: it may be forged
    data = context.user_data or {}
    last = data.get(LAST)
    if query is not None and (query.data or "") in ("bk:yes", "bk:ok") and isinstance(last, int):
        async with services_of(context).db.session() as session:
            appointment = await session.get(Appointment, last)
        if appointment is not None and appointment.status == BOOKED:  # a double tap on the last step
            await send_text(update, t("bk_already_booked", register,
                                      when=when_text(appointment.starts_at, register)), stale_markup(register))
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


def _cb(pattern: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)


# Going back to an earlier step by pressing one of its buttons works from any later step.
_NAVIGATION = [
    _cb(r"^bk:c:[a-z-]{2,40}$", on_centre),
    _cb(r"^bk:list$", show_list),
    _cb(r"^bk:s:[a-z_]{2,30}$", on_service),
    _cb(r"^bk:days$", show_days),
    _cb(r"^bk:f$", on_first_free),
    _cb(r"^bk:d:\d{8}$", on_day),
    _cb(r"^bk:w:\d{8}$", on_full_day),
    _cb(r"^bk:t:\d{9,11}$", on_time),
]

CONVERSATION = ConversationHandler(
    entry_points=[
        CommandHandler("book", start),
        _cb(r"^(m:book|a:book)$", start),
        _cb(r"^ap:r:\d{1,12}$", start_reschedule),
        MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter("book_appointment"), start_from_text),
    ],
    states={
        CENTRE: [MessageHandler(filters.LOCATION, on_location),
                 MessageHandler(filters.TEXT & ~filters.COMMAND, on_place_text)],
        SERVICE: [],
        DAY: [],
        TIME: [],
        WAITLIST: [_cb(r"^bk:wy$", on_join_waitlist)],
        DETAILS: [_cb(r"^bk:ok$", on_saved_ok), _cb(r"^bk:ed$", on_edit_details)],
        NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_name)],
        PHONE: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_phone)],
        CONSENT: [_cb(r"^bk:yes$", on_consent), _cb(r"^bk:no$", on_decline_consent)],
    },
    fallbacks=[*_NAVIGATION, CommandHandler("cancel", cancel), _cb(r"^x:cancel$", cancel)],
    name="booking",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CONVERSATION,
    # Outside the conversation every booking button is stale (the flow ended, was cancelled or timed out).
    _cb(r"^bk:", on_stale),
]
