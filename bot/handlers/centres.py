""" "Where is my centre": a shared location, a typed place or the list → what is known about the centre,
with a map pin where coordinates are known. Unknown, ambiguous or far-away places get a kind question back."""

from __future__ import annotations

from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.centre_buttons import all_centre_rows, route_shared_location
from bot.handlers.menu import main_menu_markup
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_answer, send_text, send_venue, text_of
from core.centres import centre_view, get_centre
from core.routing import RouteResult
from knowledge.answers import render_centre
from knowledge.messages import plain, t
from knowledge.translit import latin_label

ASK_PLACE = "ask_place"
CENTRE_PATTERN = r"^c:([a-z-]{2,40})$"


def _ask_markup(register: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(plain("btn_send_location", register), request_location=True)],
            [KeyboardButton(plain("btn_centre_list", register)), KeyboardButton(plain("btn_cancel", register))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def ask_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("centre_ask", register), _ask_markup(register))
    return ASK_PLACE


async def show_centre_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    rows = await all_centre_rows(update, context, register, "c:")
    await send_text(update, t("centre_list", register), ReplyKeyboardRemove())
    await send_text(update, plain("centre_list", register), keyboard(rows))
    return ConversationHandler.END


async def show_centre(update: Update, context: ContextTypes.DEFAULT_TYPE, centre_id: str) -> bool:
    """Send what is known of a centre and its pin; False when the id is not a centre (stale or forged)."""
    register = register_of(context)
    async with services_of(context).db.read() as session:
        centre = await get_centre(session, centre_id)
    if centre is None:
        return False
    await send_answer(update, context, render_centre(centre_view(centre, register), register))
    if centre.lat is not None and centre.lon is not None:
        name = centre.name_en if register == "en" else centre.name_el
        town = (centre.town_en if register == "en" else centre.town_el) or ""
        address = centre.address or f"{town} — {plain('centre_pin_address_unknown', register)}"
        await send_venue(update, latitude=centre.lat, longitude=centre.lon, title=name, address=address)
    return True


async def on_centre_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await acknowledge(update)
    centre_id = (query.data or "").split(":", 1)[1] if query else ""
    if not await show_centre(update, context, centre_id):
        register = register_of(context)
        await send_text(update, t("stale_button", register), main_menu_markup(register))
    return ConversationHandler.END


async def _answer_route(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    result: RouteResult | None,
    *,
    by_location: bool = False,
    km: float | None = None,
) -> str | int:
    register = register_of(context)
    if result is None:
        await send_text(update, t("centre_outside_region", register), _ask_markup(register))
        return ASK_PLACE
    if result.centre_id is None and result.candidates:
        async with services_of(context).db.read() as session:
            rows = []
            for cid in result.candidates:
                centre = await get_centre(session, cid)
                if centre is not None:
                    rows.append([(centre.name_en if register == "en" else centre.name_el, f"c:{cid}")])
        place = services_of(context).router.place_label(result.place, register) or result.text
        await send_text(update, t("centre_ambiguous", register, place=place), keyboard(rows))
        return ConversationHandler.END
    if result.centre_id is None and result.municipality_id is not None:
        municipality = services_of(context).router.gazetteer.municipality(result.municipality_id).name
        if register == "en":
            municipality = latin_label(municipality)
        await send_text(
            update,
            t("centre_not_served", register, municipality=municipality),
            keyboard([[(plain("btn_centre_list", register), "m:centres")]]),
        )
        return ConversationHandler.END
    if result.centre_id is None:
        await send_text(update, t("centre_unknown_place", register), _ask_markup(register))
        return ASK_PLACE
    async with services_of(context).db.read() as session:
        centre = await get_centre(session, result.centre_id)
    if centre is None:  # the admin removed it: say we don't know rather than fail
        await send_text(update, t("centre_unknown_place", register), _ask_markup(register))
        return ASK_PLACE
    name = centre.name_en if register == "en" else centre.name_el
    shown = services_of(context).router.place_label(result.place, register)  # Latin letters in English
    if by_location:
        intro = t("centre_found_location", register, place=shown, centre=name, km=f"{km or 0:.0f}")
    else:
        intro = t("centre_found", register, place=shown, centre=name)
    await send_text(update, intro, ReplyKeyboardRemove())
    await show_centre(update, context, centre.id)
    return ConversationHandler.END


async def route_or_ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """From free text ("where is the centre in Siatista?", "I live in Servia"): answer when a place is named,
    otherwise ask where they live — the typed answer or a shared location is then routed in turn."""
    result = services_of(context).router.route_text(text)
    if result.centre_id is not None or result.candidates or result.municipality_id is not None:
        await _answer_route(update, context, result)
        return
    register = register_of(context)
    await send_text(update, t("centre_ask", register), _ask_markup(register))


async def on_place_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    text = text_of(update)
    register = register_of(context)
    if text.strip() == plain("btn_centre_list", register):
        return await show_centre_list(update, context)
    if text.strip() == plain("btn_cancel", register):
        return await cancel(update, context)
    result = services_of(context).router.route_text(text)
    return await _answer_route(update, context, result)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    routed = route_shared_location(update, context)
    return await _answer_route(update, context, routed, by_location=True, km=routed.distance_km if routed else None)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("cancelled", register), ReplyKeyboardRemove())
    await send_text(update, t("menu", register), main_menu_markup(register))
    return ConversationHandler.END


CONVERSATION = ConversationHandler(
    entry_points=[
        CommandHandler("centre", ask_place),
        CallbackQueryHandler(ask_place, pattern=r"^(m:centre|a:centre)$"),
    ],
    states={
        ASK_PLACE: [
            MessageHandler(filters.LOCATION, on_location),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_place_text),
            CallbackQueryHandler(show_centre_list, pattern=r"^m:centres$"),
            CallbackQueryHandler(on_centre_button, pattern=CENTRE_PATTERN),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=r"^x:cancel$")],
    name="find_centre",
    persistent=True,
    allow_reentry=True,
)


def _list_label_filter() -> filters.BaseFilter:
    labels = {plain("btn_centre_list", r) for r in ("el", "el-simple", "en")}
    return filters.Text(list(labels))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CONVERSATION,
    MessageHandler(_list_label_filter(), show_centre_list),
    CallbackQueryHandler(show_centre_list, pattern=r"^m:centres$"),
    CallbackQueryHandler(on_centre_button, pattern=CENTRE_PATTERN),
    MessageHandler(filters.LOCATION, on_location),
]
