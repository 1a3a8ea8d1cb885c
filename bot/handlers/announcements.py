"""Opting in and out of the centres' announcements: /subscribe, the menu's 📣 button, the button after a booking,
/unsubscribe and the 🔕 button under every announcement.

Callback data: `an:menu` the screen, `an:list` every centre, `an:on:<centre>` subscribe, `an:off:<centre>`
unsubscribe from one centre, `an:off:*` from all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text
from core.announcements import subscribe, subscriptions_of, unsubscribe
from core.booking.display import centre_name
from core.centres import get_centre, list_centres
from core.citizens import get_or_create_citizen
from knowledge.messages import plain, t

MENU_DATA = "an:menu"


def booking_opt_in_button(centre_id: str, register: str) -> tuple[str, str]:
    """The button a booking's confirmation shows: this centre's announcements, one tap."""
    return plain("btn_ann_booking", register), f"an:on:{centre_id}"


async def _names(session: AsyncSession, centre_ids: list[str], register: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for centre_id in centre_ids:
        centre = await get_centre(session, centre_id)
        if centre is not None:
            names[centre_id] = centre_name(centre, register)
    return names


async def show_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    user = update.effective_user
    if user is None:
        return
    register = register_of(context)
    async with services_of(context).db.write() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        mine = await subscriptions_of(session, citizen.id)
        home = citizen.home_centre_id
        names = await _names(session, [*mine, *([home] if home and home not in mine else [])], register)
    rows: list[list[tuple[str, str]]] = []
    if home and home not in mine and home in names:
        rows.append([(plain("btn_ann_on", register, centre=names[home]), f"an:on:{home}")])
    rows += [[(plain("btn_ann_off", register, centre=names[c]), f"an:off:{c}")] for c in mine if c in names]
    rows.append([(plain("btn_ann_other", register), "an:list")])
    rows.append([(plain("btn_menu", register), "m:menu")])
    status = (
        t("ann_status_some", register, centres=", ".join(names[c] for c in mine if c in names))
        if mine
        else t("ann_status_none", register)
    )
    await send_text(update, f"{t('ann_intro', register)}\n\n{status}", keyboard(rows))


async def list_all_centres(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    async with services_of(context).db.session() as session:
        centres = await list_centres(session)
    rows = [[(f"🔔 {centre_name(c, register)}", f"an:on:{c.id}")] for c in centres]
    await send_text(update, t("ann_choose_centre", register), keyboard(rows))


async def on_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    centre_id = (query.data or "").split(":", 2)[-1]
    register = register_of(context)
    async with services_of(context).db.write() as session:
        centre = await get_centre(session, centre_id)
        if centre is None:  # a forged or stale button: nothing changes
            await send_text(update, t("ann_choose_centre", register))
            return
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        await subscribe(session, citizen_id=citizen.id, centre_id=centre.id)
        name = centre_name(centre, register)
    await send_text(update, t("ann_subscribed", register, centre=name))


async def on_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`an:off:<centre>` (a button) or /unsubscribe (every centre)."""
    await acknowledge(update)
    user = update.effective_user
    if user is None:
        return
    query = update.callback_query
    centre_id = (query.data or "").split(":", 2)[-1] if query is not None else "*"
    register = register_of(context)
    async with services_of(context).db.write() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        centre = await get_centre(session, centre_id) if centre_id != "*" else None
        await unsubscribe(session, citizen_id=citizen.id, centre_id=centre.id if centre is not None else None)
        name = centre_name(centre, register) if centre is not None else None
    if name is None:
        await send_text(update, t("ann_unsubscribed_all", register))
    else:
        await send_text(update, t("ann_unsubscribed", register, centre=name))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("subscribe", show_subscriptions),
    CommandHandler("unsubscribe", on_unsubscribe),
    CallbackQueryHandler(show_subscriptions, pattern=r"^an:menu$"),
    CallbackQueryHandler(list_all_centres, pattern=r"^an:list$"),
    CallbackQueryHandler(on_subscribe, pattern=r"^an:on:[a-z-]{1,40}$"),
    CallbackQueryHandler(on_unsubscribe, pattern=r"^an:off:([a-z-]{1,40}|\*)$"),
]
