"""The answers about the need of a request (intake): topics, a description (text or files), the household
(prefilled from the conversation memory, confirmed once) and where the citizen lives → the serving centre.
The flow is in bot/handlers/intake.py.
"""

from __future__ import annotations

import re
from contextlib import suppress

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import memory, waiting
from bot.attachments import check_incoming
from bot.centre_buttons import all_centre_rows
from bot.handlers.intake_questions import ask, categories_markup
from bot.handlers.intake_steps import (
    ADULTS,
    CATEGORIES_STEP,
    CHILDREN,
    DESCRIPTION,
    NAME,
    PLACE,
    add_files,
    behalf_of,
    centre_name_of,
    draft_of,
)
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core.centres import get_centre
from core.intake import CATEGORIES
from core.pii import contains_pii, mask_pii
from core.routing import RouteResult
from knowledge.eligibility import EligibilityError, parse_answer
from knowledge.messages import plain, t

# ---- answers ------------------------------------------------------------------------------------------------


async def on_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    category = (query.data or "").removeprefix("i:cat:") if query else ""
    draft = draft_of(context)
    if category not in CATEGORIES:
        await send_text(update, t("stale_button", register))
        return CATEGORIES_STEP
    chosen: list[str] = list(draft.get("categories") or [])
    if category in chosen:
        chosen.remove(category)
    else:
        chosen.append(category)
    draft["categories"] = chosen
    if query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(categories_markup(draft, register))
        except TelegramError:  # an old message can no longer be edited: show the list again
            await send_text(update, t("intake_ask_categories", register), categories_markup(draft, register))
    return CATEGORIES_STEP


async def on_categories_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    register = register_of(context)
    if not draft_of(context).get("categories"):
        if query is not None:
            with suppress(TelegramError):  # an old query can no longer be answered
                await query.answer(plain("intake_categories_none", register), show_alert=True)
        await send_text(update, t("intake_categories_none", register))
        return CATEGORIES_STEP
    await acknowledge(update)
    return await ask(update, context, DESCRIPTION)


async def on_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    message = update.effective_message
    register = register_of(context)
    draft = draft_of(context)
    draft.pop("pending_text", None)
    if message is not None and not message.text:
        incoming = await check_incoming(update, context)
        if incoming is None:  # refused (the citizen was told why) or nothing in it: the same question again
            return await ask(update, context, DESCRIPTION)
        add_files(draft, [incoming.ref()])
        await send_text(update, t("intake_voice_kept" if incoming.kind == "voice" else "intake_file_kept", register))
        return await ask(update, context, ADULTS)
    text = text_of(update).strip()
    if not text:
        return await ask(update, context, DESCRIPTION)
    if contains_pii(text):
        await send_text(update, t("pii_warning", register))
    # Stored masked from the first moment: user_data is written to the database after every update.
    draft["description"] = mask_pii(text)[:4000]
    return await ask(update, context, ADULTS)


async def on_skip_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    draft_of(context).pop("pending_text", None)
    return await ask(update, context, ADULTS)


def _number(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d{1,2})\s*\+?\s*", text)
    return int(match.group(1)) if match and int(match.group(1)) <= 30 else None


def _typed_count(field: str, text: str) -> int | None:
    """Digits, or a natural answer («μόνο εγώ», «δύο», «κανένα») read as the questionnaires read it."""
    value = _number(text)
    if value is not None:
        return value
    try:
        parsed = parse_answer("adults" if field == "adults" else "minors", text)
    except EligibilityError:
        return None
    return parsed if isinstance(parsed, int) and not isinstance(parsed, bool) else None


@waiting.answers_at(ADULTS)
def reads_as_adults(text: str) -> bool:
    value = _typed_count("adults", text)
    return value is not None and value >= 1


@waiting.answers_at(CHILDREN)
def reads_as_children(text: str) -> bool:
    return _typed_count("children", text) is not None


waiting.answers_at(DESCRIPTION)(waiting.any_text)  # the citizen's own words about the need: all of it is the answer


async def _on_count(update: Update, context: ContextTypes.DEFAULT_TYPE, field: str, step: str, next_step: str) -> str:
    query = update.callback_query
    await acknowledge(update)
    value = _number((query.data or "").rsplit(":", 1)[-1]) if query else _typed_count(field, text_of(update))
    if value is None or (field == "adults" and value < 1):
        await send_text(update, t("intake_bad_number", register_of(context)))
        return await ask(update, context, step)
    draft_of(context)[field] = value
    if behalf_of(context) is None:  # told once; a person a mediator speaks for is not the mediator's memory
        memory.remember(context.user_data, **{"adults" if field == "adults" else "minors": value})
    return await ask(update, context, next_step)


async def on_household(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """`i:hh:y|n` under the household (and place) the memory knows: kept (on to the place, or past it), or asked."""
    query = update.callback_query
    await acknowledge(update)
    known = memory.recall(context.user_data).only(("adults", "minors", "place"))
    if query is not None and query.data == "i:hh:y" and "adults" in known and "minors" in known:
        draft_of(context).update(adults=int(known["adults"]), children=int(known["minors"]))
        memory.settle(context.user_data)
        if isinstance(known.get("place"), str):  # confirmed with the household: routed as if typed
            return await _take_route(update, context, services_of(context).router.route_text(known["place"]))
        return await ask(update, context, PLACE)
    return await ask(update, context, ADULTS)


async def on_known_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """`i:pl:y|n` under the place the memory knows: routed as if typed, or the place question asked."""
    query = update.callback_query
    await acknowledge(update)
    place = memory.recall(context.user_data).get("place")
    if query is not None and query.data == "i:pl:y" and isinstance(place, str) and place:
        memory.settle(context.user_data)
        return await _take_route(update, context, services_of(context).router.route_text(place))
    return await ask(update, context, PLACE)


async def on_adults(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _on_count(update, context, "adults", ADULTS, CHILDREN)


async def on_children(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _on_count(update, context, "children", CHILDREN, PLACE)


async def _take_route(update: Update, context: ContextTypes.DEFAULT_TYPE, result: RouteResult | None) -> str:
    register = register_of(context)
    draft = draft_of(context)
    if result is not None and result.centre_id is None and result.candidates:
        async with services_of(context).db.session() as session:
            rows = []
            for cid in result.candidates:
                centre = await get_centre(session, cid)
                if centre is not None:
                    rows.append([(centre.name_en if register == "en" else centre.name_el, f"i:centre:{cid}")])
        draft["place"] = result.place
        await send_text(update, t("intake_place_ambiguous", register), keyboard(rows))
        return PLACE
    if result is None or (result.centre_id is None and result.municipality_id is None):
        await send_text(
            update,
            t("intake_place_unknown", register),
            keyboard([[(plain("btn_centre_list_intake", register), "i:list")]]),
        )
        return PLACE
    draft.update(place=result.place, municipality_id=result.municipality_id, centre_id=result.centre_id)
    memory.remember(context.user_data, place=result.place)
    if result.centre_id is None:
        await send_text(update, t("intake_place_unserved", register, place=result.place or ""))
    else:
        centre_name = await centre_name_of(context, result.centre_id, register)
        await send_text(update, t("intake_place_found", register, place=result.place or "", centre=centre_name))
    return await ask(update, context, NAME)


async def on_place_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    if behalf_of(context) is not None:
        from bot.handlers.intake_behalf import on_settlement

        return await on_settlement(update, context)
    return await _take_route(update, context, services_of(context).router.route_text(text_of(update)))


async def on_place_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    message = update.effective_message
    if message is None or message.location is None:
        return PLACE
    routed = services_of(context).router.route_location(message.location.latitude, message.location.longitude)
    return await _take_route(update, context, routed)


async def on_centre_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    register = register_of(context)
    rows = await all_centre_rows(update, context, register, "i:centre:")
    await send_text(update, t("centre_list", register), keyboard(rows))
    return PLACE


async def on_centre_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    centre_id = (query.data or "").removeprefix("i:centre:") if query else ""
    async with services_of(context).db.session() as session:
        centre = await get_centre(session, centre_id)
    if centre is None:  # forged or stale: ask again, nothing changed
        await send_text(update, t("stale_button", register))
        return await ask(update, context, PLACE)
    draft = draft_of(context)
    draft["centre_id"] = centre.id
    draft["place"] = draft.get("place") or (centre.town_en if register == "en" else centre.town_el)
    return await ask(update, context, NAME)
