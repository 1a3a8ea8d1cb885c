"""Mediators of the Roma annexes on Telegram.

- `/start link-<token>`: the one-time deep link that ties a mediator account to this Telegram account
  (`core.booking.mediators.create_link_token`; the CLI prints the link).
- `/mediator`: the menu — book for a citizen (`md:b`: the booking flow in bot/handlers/booking.py with an "on
  behalf of" draft: service → day → time → name → optional phone → settlement → the citizen's oral consent; the
  mediator recorded as the one who booked); a request for a person without a phone (`md:i`: the request flow of
  bot/handlers/intake.py on behalf, bot/handlers/intake_behalf.py); the annex's upcoming visits with attended /
  no-show / cancel.

Every action checks again that the Telegram account is linked to an active mediator, and every visit button that
the visit belongs to the mediator's annex. Callback data: `md:m` menu, `md:b` book, `md:i` request, `md:u` upcoming,
`md:a|n|x:<id>` attended / no-show / cancel; `mb:...` buttons of the former separate booking flow are stale.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, filters

from bot.drafts import drop_draft, now_utc
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core import audit
from core.booking import service as booking
from core.booking.display import centre_name, service_label, when_text
from core.booking.errors import BookingError, NotBookable
from core.booking.mediators import mediator_by_telegram, redeem_link_token
from core.booking.tx import booking_write
from core.models import Centre, Citizen, StaffUser
from core.models.booking import BOOKED
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

FORMER_DRAFT = "mediator_booking"  # the former separate flow's draft, dropped when met


async def current_mediator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> StaffUser | None:
    user = update.effective_user
    if user is None:
        return None
    async with services_of(context).db.session() as session:
        return await mediator_by_telegram(session, user.id)


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await send_text(update, t("md_not_mediator", register_of(context)))
    drop_draft(context, FORMER_DRAFT)
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
    await send_text(
        update,
        t("md_linked", register, username=mediator.username, centre=centre_name(centre, register) if centre else ""),
        mediator_markup(register),
    )


def mediator_markup(register: str) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(plain("btn_md_book", register), "md:b")],
            [(plain("btn_md_intake", register), "md:i")],
            [(plain("btn_md_upcoming", register), "md:u")],
        ]
    )


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        await refuse(update, context)
        return
    centre = await _centre(context, mediator.centre_id)
    await send_text(
        update,
        t("md_menu", register, centre=centre_name(centre, register) if centre else ""),
        mediator_markup(register),
    )


async def show_menu_end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A stale or forged button in the flow: nothing changes, back to the mediator menu."""
    register = register_of(context)
    drop_draft(context, FORMER_DRAFT)
    await send_text(update, t("bk_stale", register))
    await show_menu(update, context)
    return ConversationHandler.END


# ------------------------------------------------------------------------------ upcoming visits


async def show_upcoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    mediator = await current_mediator(update, context)
    if mediator is None or mediator.centre_id is None:
        await refuse(update, context)
        return
    now = now_utc()
    async with booking_write(services_of(context).db) as session:
        centre = await session.get(Centre, mediator.centre_id)
        visits = [
            (a, await session.get(Citizen, a.citizen_id))
            for a in await booking.upcoming_for_centre(session, mediator.centre_id, now)
            if a.status == BOOKED
        ]
        for appointment, _citizen in visits:  # each personal record shown is logged, never its content
            audit.record(
                session,
                actor_kind="mediator",
                actor_id=str(mediator.id),
                action="view",
                record_kind="appointment",
                record_id=str(appointment.id),
            )
    name = centre_name(centre, register) if centre else ""
    if not visits:
        await send_text(
            update, t("md_upcoming_none", register, centre=name), keyboard([[(plain("btn_md_book", register), "md:b")]])
        )
        return
    for appointment, citizen in visits:
        text = t(
            "md_visit",
            register,
            when=when_text(appointment.starts_at, register),
            name=(citizen.name if citizen and citizen.name else plain("md_name_unknown", register)),
            service=service_label(appointment.service, register),
            settlement=appointment.settlement,
            by_mediator=appointment.booked_by_kind == "mediator",
        )
        if appointment.starts_at <= now:
            row = [
                (plain("btn_md_attended", register), f"md:a:{appointment.id}"),
                (plain("btn_md_no_show", register), f"md:n:{appointment.id}"),
            ]
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
        await refuse(update, context)
        return
    if len(parts) != 3 or not parts[2].isdigit():
        await show_menu_end(update, context)
        return
    action, appointment_id, now = parts[1], int(parts[2]), now_utc()
    try:
        async with booking_write(services_of(context).db) as session:
            if action == "x":
                appointment = await booking.cancel(
                    session,
                    appointment_id=appointment_id,
                    now=now,
                    centre_id=mediator.centre_id,
                    actor_kind="mediator",
                    actor_id=str(mediator.id),
                )
                key = "md_cancelled"
            else:
                appointment = await booking.mark_attendance(
                    session,
                    appointment_id=appointment_id,
                    centre_id=mediator.centre_id,
                    attended=action == "a",
                    staff_id=mediator.id,
                    now=now,
                )
                key = "md_marked_attended" if action == "a" else "md_marked_no_show"
    except NotBookable:
        await send_text(update, t("md_not_yet", register))
        return
    except BookingError as exc:
        await send_text(
            update,
            t(
                {"already_cancelled": "ap_already_cancelled", "already_past": "ap_past"}.get(exc.code, "bk_stale"),
                register,
            ),
        )
        return
    await send_text(
        update,
        # «Η επίσκεψη της Παρασκευής…»: the genitive after a noun; the marks keep the date as a heading.
        t(key, register, when=when_text(appointment.starts_at, register, "gen" if key == "md_cancelled" else "nom")),
        keyboard([[(plain("btn_md_upcoming", register), "md:u")]]),
    )


def _cb(pattern: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("start", on_link, filters=filters.Regex(r"^/start link-[A-Za-z0-9_-]{1,60}$")),
    CommandHandler("mediator", show_menu),
    _cb(r"^md:m$", show_menu),
    _cb(r"^md:u$", show_upcoming),
    _cb(r"^md:[anx]:\d{1,12}$", on_visit_action),
    _cb(r"^mb:", show_menu_end),  # a booking step's button after the flow ended
]
