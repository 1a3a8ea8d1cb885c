"""The choosing steps of the booking flow: the centre (a shared location, a typed place or the list; the annex
offered to those it serves), the service, a day (full days lead to the waiting list), a time. A mediator's
booking starts at the service: the centre is always the mediator's annex."""

from __future__ import annotations

from datetime import datetime

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.centre_buttons import centre_label, centre_rows, remember_position
from bot.drafts import now_utc
from bot.handlers.booking_details import ask_details
from bot.handlers.booking_steps import (
    CENTRE,
    SERVICE,
    TIME,
    WAITLIST,
    alternatives,
    behalf_of,
    callback_arg,
    cancel,
    draft_of,
    first_free,
    load_days,
    load_slots,
    parse_day,
    parse_start,
    selected,
    show_days,
    stale,
    times_markup,
)
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core.booking.availability import services_at
from core.booking.display import centre_name, day_text, service_label, when_text
from core.booking.slots import local_day
from core.centres import get_centre, list_centres
from core.routing import RouteResult
from knowledge.geo import haversine_km
from knowledge.messages import plain, t

NEAREST_SHOWN = 4


# ------------------------------------------------------------------------------ centre


def place_markup(register: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(plain("btn_send_location", register), request_location=True)],
            [KeyboardButton(plain("btn_centre_list", register)), KeyboardButton(plain("btn_cancel", register))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def offer_centres(update: Update, context: ContextTypes.DEFAULT_TYPE, ids: list[str], place: str | None) -> str:
    register = register_of(context)
    rows: list[list[tuple[str, str]]] = []
    async with services_of(context).db.session() as session:
        for centre_id in dict.fromkeys(ids):
            centre = await get_centre(session, centre_id)
            if centre is not None:
                rows.append([(centre_label(centre, register), f"bk:c:{centre.id}")])
    rows.append([(plain("btn_other_centre", register), "bk:list")])
    shown = services_of(context).router.place_label(place, register)  # Latin letters in English
    await send_text(update, t("bk_choose_centre", register, place=shown), keyboard(rows))
    return CENTRE


async def show_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Every centre; the nearest first when the citizen shared a location."""
    await acknowledge(update)
    if behalf_of(context) is not None:  # a mediator books at their own annex only
        return await stale(update, context)
    register = register_of(context)
    near = draft_of(context).get("near")
    async with services_of(context).db.session() as session:
        centres = await list_centres(session)
    if isinstance(near, list) and len(near) == 2:
        remember_position(context, float(near[0]), float(near[1]))
    user = update.effective_user
    rows = await centre_rows(context, centres, register, "bk:c:", user.id if user else None)
    await send_text(update, t("bk_choose_from_list", register), keyboard(rows))
    return CENTRE


def routed_ids(context: ContextTypes.DEFAULT_TYPE, result: RouteResult) -> list[str]:
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
    ids = routed_ids(context, result)
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
    remember_position(context, lat, lon)
    ids = routed_ids(context, routed)
    async with services_of(context).db.session() as session:
        others = [c for c in await list_centres(session) if c.lat is not None and c.lon is not None]
    others.sort(key=lambda c: haversine_km(lat, lon, c.lat or 0.0, c.lon or 0.0))
    ids += [c.id for c in others][:NEAREST_SHOWN]
    return await offer_centres(update, context, ids, routed.place)


async def offer_services(
    update: Update, context: ContextTypes.DEFAULT_TYPE, centre_id: str, message_key: str
) -> str | int:
    """The services bookable at `centre_id` (which becomes the draft's centre), as buttons."""
    register = register_of(context)
    async with services_of(context).db.session() as session:
        centre = await get_centre(session, centre_id)
        offered = await services_at(session, centre_id) if centre else []
    if centre is None:
        return await stale(update, context)
    if not offered:
        await send_text(
            update, t("bk_no_services", register), keyboard([[(plain("btn_other_centre", register), "bk:list")]])
        )
        return CENTRE
    draft = draft_of(context)
    draft.update(centre=centre.id)
    draft.pop("service", None)
    rows = [[(service_label(s, register), f"bk:s:{s}")] for s in offered]
    await send_text(update, t(message_key, register, centre=centre_name(centre, register)), keyboard(rows))
    return SERVICE


async def on_centre(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    if behalf_of(context) is not None:
        return await stale(update, context)
    return await offer_services(update, context, callback_arg(update), "bk_choose_service")


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


async def on_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    chosen = selected(context)
    day = parse_day(callback_arg(update))
    if chosen is None or day is None:
        return await stale(update, context)
    slots = [s for s in await load_slots(context, *chosen, day, now_utc()) if s.free]
    if not slots:  # taken meanwhile, in the past, or never a working day
        return await show_days(update, context, t("bk_slot_taken", register))
    draft_of(context)["day"] = day.isoformat()
    await send_text(update, t("bk_choose_time", register, day=day_text(day, register)), times_markup(slots, register))
    return TIME


async def on_first_free(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    chosen = selected(context)
    if chosen is None:
        return await stale(update, context)
    slot = await first_free(context, *chosen, now_utc())
    if slot is None:
        return await show_days(update, context)
    await send_text(
        update,
        t("bk_first_free", register, when=when_text(slot.starts_at, register)),
        keyboard(
            [
                [(plain("btn_book_this", register), f"bk:t:{int(slot.starts_at.timestamp())}")],
                [(plain("btn_other_time", register), "bk:days")],
            ]
        ),
    )
    return TIME


async def slot_is_free(context: ContextTypes.DEFAULT_TYPE, centre_id: str, chosen: str, starts_at: datetime) -> bool:
    slots = await load_slots(context, centre_id, chosen, local_day(starts_at), now_utc())
    return any(s.starts_at == starts_at and s.free for s in slots)


async def on_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    chosen = selected(context)
    starts_at = parse_start(callback_arg(update))
    if chosen is None or starts_at is None:
        return await stale(update, context)
    if not await slot_is_free(context, *chosen, starts_at):
        key = "bk_not_bookable" if starts_at <= now_utc() else "bk_slot_taken"
        return await alternatives(update, context, key, starts_at)
    draft = draft_of(context)
    draft.update(start=starts_at.isoformat(), action="book")
    await send_text(update, t("bk_chosen", register, when=when_text(starts_at, register)))
    return await ask_details(update, context)


async def on_full_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    chosen = selected(context)
    day = parse_day(callback_arg(update))
    if chosen is None or day is None or behalf_of(context) is not None:
        return await stale(update, context)
    days = {d.day: d for d in await load_days(context, *chosen, now_utc())}
    if day not in days:
        return await show_days(update, context, t("bk_not_bookable", register))
    if days[day].free:  # someone cancelled meanwhile: show the times instead
        return await on_day(update, context)
    draft_of(context)["day"] = day.isoformat()
    await send_text(
        update,
        t("bk_day_full", register, day=day_text(day, register)),
        keyboard([[(plain("btn_join_waitlist", register), "bk:wy")], [(plain("btn_other_day", register), "bk:days")]]),
    )
    return WAITLIST


async def on_join_waitlist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    draft = draft_of(context)
    if selected(context) is None or not isinstance(draft.get("day"), str) or behalf_of(context) is not None:
        return await stale(update, context)
    draft["action"] = "waitlist"
    return await ask_details(update, context)
