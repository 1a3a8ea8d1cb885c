"""Booking an appointment — the flow and its ways in. The steps live beside it: bot/handlers/booking_pickers.py
(centre → service → day → time; full days lead to the waiting list), booking_details.py (name, phone and consent,
remembered for next time) and booking_finish.py (the booking and its confirmation with an .ics file); what they
share is in booking_steps.py.

Ways in: /book, the menu, "I want an appointment"; `ap:r:<id>` from "my appointments" to reschedule (same centre
and service, a new time); `md:b` from the mediator menu to book on behalf of a citizen without Telegram (the
mediator's annex, no waiting list, the citizen's name, optional phone, settlement and oral consent).

Callback data (`bk:`): `c:<centre>`, `s:<service>`, `d:<YYYYMMDD>` a day, `w:<YYYYMMDD>` a full day, `wy` join
its waiting list, `f` the first free time, `t:<unix seconds>` a time, `days` back to the days, `list` all
centres, `ok`/`ed` saved details or other ones, `yes`/`no` consent, `np` no phone and `oral` oral consent (on
behalf). Every one is checked against the database when pressed: a stale or forged button gets a kind answer
with alternatives and changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters

from bot import memory
from bot.drafts import now_utc
from bot.handlers import booking_details as details
from bot.handlers import booking_finish as finish
from bot.handlers import booking_pickers as pickers
from bot.handlers.booking_steps import (
    CENTRE,
    CONSENT,
    DAY,
    DETAILS,
    NAME,
    ORAL_CONSENT,
    PHONE,
    SERVICE,
    SETTLEMENT,
    TIME,
    WAITLIST,
    callback_arg,
    cancel,
    clear_draft,
    draft_of,
    on_button,
    on_stale,
    show_days,
    stale_markup,
)
from bot.handlers.mediator import current_mediator, refuse
from bot.nlu_access import IntentFilter
from bot.services import services_of
from bot.ui import acknowledge, register_of, send_text, text_of
from core.booking.display import when_text
from core.booking.policy import policy
from core.booking.waitlist import future_count
from core.citizens import citizen_by_telegram_id
from core.models.booking import ATTENDED, BOOKED, CANCELLED, NO_SHOW, Appointment
from knowledge.messages import t

# Appointments that show where a citizen goes (a hold that ran out or a waiting-list seat do not).
USED_STATUSES = (BOOKED, ATTENDED, NO_SHOW, CANCELLED)


async def at_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the citizen already holds as many upcoming appointments as allowed: said at the start, before any
    choice, rather than after seven taps."""
    user = update.effective_user
    if user is None:
        return False
    async with services_of(context).db.session() as session:
        citizen = await citizen_by_telegram_id(session, user.id)
        if citizen is None:
            return False
        return await future_count(session, citizen.id, now_utc()) >= policy().max_future_bookings


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    clear_draft(context)
    if await at_limit(update, context):
        return await finish.limit_reached(update, context)
    draft = draft_of(context)
    # What the visit is about: the topic the citizen asked about in this conversation (named in the
    # confirmation, shown to staff), e.g. «rantevou gia to epidoma paidiou» → child benefit.
    topic = memory.recall(context.user_data).get("topic")
    if isinstance(topic, str):
        draft["topic"] = topic
    register = register_of(context)
    known = await known_centres(update, context)
    if known:  # a returning citizen: the centre used last time first, no «where do you live?» again
        await send_text(update, t("bk_known_centres", register))
        return await pickers.offer_centres(update, context, known, None)
    await send_text(update, t("bk_ask_place", register), pickers.place_markup(register))
    return CENTRE


async def known_centres(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """The centres this citizen is known to use: the one of their latest appointment, then the ones serving the
    place they told us about in this conversation (the memory). Empty for someone new."""
    ids: list[str] = []
    user = update.effective_user
    if user is not None:
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
            if citizen is not None:
                last = await session.scalar(
                    select(Appointment.centre_id)
                    .where(Appointment.citizen_id == citizen.id, Appointment.status.in_(USED_STATUSES))
                    .order_by(Appointment.created_at.desc(), Appointment.id.desc())
                    .limit(1)
                )
                if last:
                    ids.append(last)
    place = memory.recall(context.user_data).get("place")
    if isinstance(place, str) and place:
        ids += pickers.routed_ids(context, services_of(context).router.route_text(place))
    return list(dict.fromkeys(ids))


async def start_from_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """ "I want an appointment" restarts the flow — except digits typed at the phone step, which the intent
    classifier may take for anything: there they are the answer (right or wrong)."""
    if draft_of(context).get("step") == PHONE and any(ch.isdigit() for ch in text_of(update)):
        return await details.on_phone(update, context)
    return await start(update, context)


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
        await send_text(
            update, t("ap_already_cancelled" if appointment else "bk_stale", register), stale_markup(register)
        )
        return ConversationHandler.END
    if appointment.starts_at <= now_utc():
        await send_text(update, t("ap_past", register), stale_markup(register))
        return ConversationHandler.END
    clear_draft(context)
    draft_of(context).update(centre=appointment.centre_id, service=appointment.service, reschedule=appointment.id)
    await send_text(update, t("ap_reschedule", register, when=when_text(appointment.starts_at, register, "gen")))
    return await show_days(update, context)


async def start_on_behalf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """A mediator books for a citizen: the same flow from the service on, at the mediator's own annex."""
    await acknowledge(update)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        return await refuse(update, context)
    clear_draft(context)
    draft_of(context)["behalf"] = mediator.id
    return await pickers.offer_services(update, context, mediator.centre_id, "md_choose_service")


# Going back to an earlier step by pressing one of its buttons works from any later step.
_NAVIGATION = [
    on_button(r"^bk:c:[a-z-]{2,40}$", pickers.on_centre),
    on_button(r"^bk:list$", pickers.show_list),
    on_button(r"^bk:s:[a-z_]{2,30}$", pickers.on_service),
    on_button(r"^bk:days$", show_days),
    on_button(r"^bk:f$", pickers.on_first_free),
    on_button(r"^bk:d:\d{8}$", pickers.on_day),
    on_button(r"^bk:w:\d{8}$", pickers.on_full_day),
    on_button(r"^bk:t:\d{9,11}$", pickers.on_time),
]
_TYPED = filters.TEXT & ~filters.COMMAND

CONVERSATION = ConversationHandler(
    entry_points=[
        CommandHandler("book", start),
        on_button(r"^(m:book|a:book)$", start),
        on_button(r"^ap:r:\d{1,12}$", start_reschedule),
        on_button(r"^md:b$", start_on_behalf),
        MessageHandler(_TYPED & IntentFilter("book_appointment"), start_from_text),
    ],
    states={
        CENTRE: [MessageHandler(filters.LOCATION, pickers.on_location), MessageHandler(_TYPED, pickers.on_place_text)],
        SERVICE: [],
        DAY: [],
        TIME: [],
        WAITLIST: [on_button(r"^bk:wy$", pickers.on_join_waitlist)],
        DETAILS: [on_button(r"^bk:ok$", details.on_saved_ok), on_button(r"^bk:ed$", details.on_edit_details)],
        NAME: [on_button(r"^bk:tn$", details.on_telegram_name), MessageHandler(_TYPED, details.on_name)],
        PHONE: [
            on_button(r"^bk:np$", details.on_no_phone),
            MessageHandler(filters.CONTACT, details.on_contact),
            MessageHandler(_TYPED, details.on_phone),
        ],
        SETTLEMENT: [MessageHandler(_TYPED, details.on_settlement)],
        CONSENT: [on_button(r"^bk:yes$", details.on_consent), on_button(r"^bk:no$", details.on_decline_consent)],
        ORAL_CONSENT: [on_button(r"^bk:oral$", details.on_oral_consent)],
    },
    fallbacks=[*_NAVIGATION, CommandHandler("cancel", cancel), on_button(r"^x:cancel$", cancel)],
    name="booking",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CONVERSATION,
    # Outside the conversation every booking button is stale (the flow ended, was cancelled or timed out).
    on_button(r"^bk:", on_stale),
]
