"""The last step of the booking flow: book (or reschedule), join a day's waiting list, or book on behalf of a
citizen with the mediator on the record; then the confirmation with an .ics file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.drafts import now_utc
from bot.handlers.announcements import booking_opt_in_button
from bot.handlers.booking_steps import (
    LAST,
    alternatives,
    behalf_of,
    centre_of,
    clear_draft,
    draft_of,
    selected,
    show_days,
    stale,
)
from bot.handlers.menu import main_menu_markup
from bot.reminders import deliver_offers
from bot.services import services_of
from bot.ui import keyboard, register_of, send_text
from core.booking import service as booking
from core.booking.display import centre_name, day_text, service_label, when_text, where_text
from core.booking.errors import AlreadyBooked, BookingError, LimitReached, NotBookable, SlotTaken
from core.booking.ics import calendar_file
from core.booking.mediators import citizen_with_oral_consent, mediator_by_telegram
from core.booking.policy import policy
from core.booking.slots import local_day
from core.booking.tx import booking_write
from core.booking.waitlist import join_waitlist, position
from core.citizens import get_or_create_citizen
from core.models.booking import Appointment
from knowledge import answers
from knowledge.messages import plain, t
from knowledge.programmes import default_knowledge


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    if behalf_of(context) is not None:
        return await finish_on_behalf(update, context)
    if draft_of(context).get("action") == "waitlist":
        return await finish_waitlist(update, context)
    return await finish_booking(update, context)


async def limit_reached(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    register = register_of(context)
    clear_draft(context)
    await send_text(
        update,
        t("bk_limit", register, limit=policy().max_future_bookings),
        keyboard([[(plain("btn_my_appointments", register), "ap:l")], [(plain("btn_menu", register), "m:menu")]]),
    )
    return ConversationHandler.END


async def finish_booking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    user = update.effective_user
    draft = draft_of(context)
    chosen = selected(context)
    start_iso = draft.get("start")
    if user is None or chosen is None or not isinstance(start_iso, str):
        return await stale(update, context)
    starts_at = datetime.fromisoformat(start_iso)
    reschedule = draft.get("reschedule") if isinstance(draft.get("reschedule"), int) else None
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            citizen = await get_or_create_citizen(session, telegram_id=user.id)
            appointment = await booking.book(
                session,
                citizen_id=citizen.id,
                centre_id=chosen[0],
                service=chosen[1],
                starts_at=starts_at,
                now=now,
                reschedule_of=reschedule,
                topic=topic_of(draft),
            )
    except AlreadyBooked as exc:
        clear_draft(context)
        await send_text(
            update,
            t("bk_already_booked", register, when=when_text(exc.starts_at, register)),
            main_menu_markup(register),
        )
        return ConversationHandler.END
    except LimitReached:
        return await limit_reached(update, context)
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


def topic_of(draft: dict[str, Any]) -> str | None:
    """The topic kept for this booking, if it is one the bot answers."""
    topic = draft.get("topic")
    return topic if isinstance(topic, str) and topic in answers.topics() else None


def docs_rows(topic: str | None, register: str) -> list[list[tuple[str, str]]]:
    """The documents checklist of the topic's (first) programme, one tap from the confirmation."""
    programmes = default_knowledge().topics[topic].programmes if topic else ()
    if not programmes:
        return []
    return [[(plain("bk_btn_docs", register, topic=plain(f"topic_{topic}", register)), f"a:docs:{programmes[0]}")]]


async def send_confirmation(update: Update, context: ContextTypes.DEFAULT_TYPE, appointment: Appointment) -> None:
    register = register_of(context)
    centre = await centre_of(context, appointment.centre_id)
    if centre is None:
        return
    values = {
        "service": service_label(appointment.service, register),
        "centre": centre_name(centre, register),
        "when": when_text(appointment.starts_at, register),
        "where": where_text(centre, register),
    }
    topic = appointment.topic if appointment.topic in answers.topics() else None
    values["topic"] = plain(f"topic_{topic}", register) if topic else ""
    await send_text(update, t("bk_confirmed", register, **values), ReplyKeyboardRemove())
    ics = calendar_file(
        uid=f"appointment-{appointment.id}@koinotita",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        title=plain("bk_ics_title", register, service=values["service"], centre=values["centre"]),
        location=values["where"],
        description=None,
        now=now_utc(),
    )
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(
            document=ics,
            filename=f"rantevou-{local_day(appointment.starts_at)}.ics",
            caption=plain("bk_ics_caption", register),
            reply_markup=keyboard(
                [
                    *docs_rows(topic, register),
                    [booking_opt_in_button(appointment.centre_id, register)],
                    [(plain("btn_my_appointments", register), "ap:l")],
                    [(plain("btn_menu", register), "m:menu")],
                ]
            ),
        )


async def finish_waitlist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    user = update.effective_user
    draft = draft_of(context)
    chosen = selected(context)
    day_iso = draft.get("day")
    if user is None or chosen is None or not isinstance(day_iso, str):
        return await stale(update, context)
    day = date.fromisoformat(day_iso)
    try:
        async with booking_write(services_of(context).db) as session:
            citizen = await get_or_create_citizen(session, telegram_id=user.id)
            entry = await join_waitlist(
                session, citizen_id=citizen.id, centre_id=chosen[0], service=chosen[1], day=day, now=now_utc()
            )
            place = await position(session, entry)
    except LimitReached:
        return await limit_reached(update, context)
    except BookingError:
        return await show_days(update, context, t("bk_not_bookable", register))
    clear_draft(context)
    await send_text(
        update,
        t("bk_waitlist_joined", register, day=day_text(day, register, "acc"), position=place),
        main_menu_markup(register),
    )
    return ConversationHandler.END


async def finish_on_behalf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Book with the mediator on the record and the citizen's oral consent; the mediator is checked again (still
    linked, still active, still at this annex). A taken slot shows the days again."""
    register = register_of(context)
    user = update.effective_user
    draft = draft_of(context)
    chosen = selected(context)
    start_iso, name, phone, settlement = (
        draft.get("start"),
        draft.get("name"),
        draft.get("phone"),
        draft.get("settlement"),
    )
    if user is None or chosen is None or not (isinstance(start_iso, str) and isinstance(name, str)):
        return await stale(update, context)
    starts_at = datetime.fromisoformat(start_iso)
    now = now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            mediator = await mediator_by_telegram(session, user.id)
            if mediator is None or mediator.id != behalf_of(context) or mediator.centre_id != chosen[0]:
                return await stale(update, context)
            citizen = await citizen_with_oral_consent(
                session,
                name=name,
                phone=phone if isinstance(phone, str) else None,
                now=now,
                actor_kind="mediator",
                actor_id=str(mediator.id),
            )
            appointment = await booking.book(
                session,
                citizen_id=citizen.id,
                centre_id=chosen[0],
                service=chosen[1],
                starts_at=starts_at,
                now=now,
                consent_kind="oral",
                booked_by_staff_id=mediator.id,
                settlement=settlement if isinstance(settlement, str) else None,
            )
    except BookingError as exc:
        return await show_days(
            update, context, t("bk_not_bookable" if isinstance(exc, NotBookable) else "bk_slot_taken", register)
        )
    clear_draft(context)
    await send_text(
        update,
        t(
            "md_booked",
            register,
            name=name,
            service=service_label(chosen[1], register),
            when=when_text(appointment.starts_at, register),
        ),
        keyboard([[(plain("btn_md_book", register), "md:b")], [(plain("btn_md_upcoming", register), "md:u")]]),
    )
    return ConversationHandler.END
