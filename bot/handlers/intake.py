"""A request to the Community Centre (intake): consent → what they need (several topics) → a short description
(text, or voice notes, photos and PDFs: stored with the request when it is sent, bot/attachments.py) → household
→ where they live → how and when to be contacted → a summary to confirm → stored (core.intake) for the serving
centre, and the documents checklist sent.

The answers live in `user_data["intake"]` (persisted after every update) and the conversation is persistent, so an
interrupted request resumes where it stopped. Entry: the menu's `m:intake`, /request, and `a:urgent` under the
emergency answer (which flags the request urgent). Refusing consent stores nothing.

A description with words of danger is answered first by the emergency group, which stops the update; so that it is
not lost, `EARLY_HANDLERS` (group -12, before everything) keep text typed at a text step in the draft, and the next
step picks it up (e.g. after the citizen pressed "🚨 Urgent" under the helplines).
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import memory
from bot.attachments import MAX_PER_RECORD, check_incoming, fetch_refs, store_all, take_pending
from bot.centre_buttons import all_centre_rows
from bot.contact_share import NotOwnContact, phone_request_markup, remove_keyboard, shared_phone, telegram_name
from bot.handlers import emergency
from bot.handlers.media import FILES
from bot.handlers.menu import main_menu_markup
from bot.local_chat import html_to_text
from bot.memory import confirmation_text
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_answer, send_text, text_of
from core.centres import get_centre
from core.citizens import citizen_by_telegram_id, get_or_create_citizen, valid_name
from core.intake import (
    CATEGORIES,
    CONSENT_VERSION,
    IntakeError,
    create_intake,
    normalise_phone,
    programmes_for,
)
from core.models import utcnow
from core.phones import phone_display
from core.pii import contains_pii, mask_pii
from core.routing import RouteResult
from knowledge import answers
from knowledge.eligibility import EligibilityError, parse_answer
from knowledge.messages import plain, t
from knowledge.programmes import default_knowledge

log = logging.getLogger(__name__)

EARLY_GROUP = -12
DRAFT = "intake"
# States, one per question; the draft's "step" names the question last asked, for resuming.
RESUME, CONSENT, CATEGORIES_STEP, DESCRIPTION, ADULTS, CHILDREN, PLACE, NAME, CONTACT, PHONE, TIME, CONFIRM = (
    "intake_resume",
    "intake_consent",
    "intake_categories",
    "intake_description",
    "intake_adults",
    "intake_children",
    "intake_place",
    "intake_name",
    "intake_contact",
    "intake_phone",
    "intake_time",
    "intake_confirm",
)
_TEXT_STEPS = (DESCRIPTION, NAME, PHONE)
MAX_CHECKLISTS = 3  # documents checklists sent after a request: more would bury the first ones


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    draft = data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        data[DRAFT] = draft
    return draft


def _new_draft(context: ContextTypes.DEFAULT_TYPE, *, emergency: bool) -> dict[str, Any]:
    if context.user_data is None:
        return {}
    context.user_data[DRAFT] = {"step": CONSENT, "emergency": emergency, "categories": []}
    return context.user_data[DRAFT]


def _add_files(draft: dict[str, Any], refs: list[dict[str, Any]]) -> None:
    kept = [r for r in draft.get("attachments") or [] if isinstance(r, dict)]
    draft["attachments"] = [*kept, *refs][:MAX_PER_RECORD]
    voice = next((r["file_id"] for r in draft["attachments"] if r.get("kind") == "voice"), None)
    if voice and not draft.get("voice"):
        draft["voice"] = voice


def _discard(context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def _category_label(category: str, register: str) -> str:
    key = f"intake_cat_{category}" if category in ("safety", "other") else f"topic_{category}"
    return plain(key, register)


# ---- questions ----------------------------------------------------------------------------------------------


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> str:
    """Ask the question of `step` (again, when resuming) and remember it as the draft's step."""
    register = register_of(context)
    draft = _draft(context)
    draft["step"] = step
    if step == CONSENT:
        await send_text(
            update,
            t("intake_consent", register),
            keyboard(
                [
                    [(plain("btn_consent_yes", register), "i:consent:yes")],
                    [(plain("btn_privacy_more", register), "i:privacy")],
                    [(plain("btn_consent_no", register), "i:consent:no")],
                ]
            ),
        )
    elif step == CATEGORIES_STEP:
        await send_text(update, t("intake_ask_categories", register), _categories_markup(draft, register))
    elif step == DESCRIPTION:
        carried = emergency.carried_text_prompt(draft, register)  # typed before «🚨 Επείγον»: shown, not lost
        if carried is not None:
            await send_text(update, *carried)
        else:
            await send_text(
                update, t("intake_ask_description", register), keyboard([[(plain("btn_skip", register), "i:skip")]])
            )
    elif step == ADULTS:
        known = memory.recall(context.user_data).only(("adults", "minors"))
        if len(known) == 2 and not draft.get("household_offered"):
            # Said earlier in the conversation («μόνη μου με 2 παιδιά»): offered back once, never assumed.
            draft["household_offered"] = True
            await send_text(
                update,
                confirmation_text(known, register),
                keyboard([[(plain("mem_btn_yes", register), "i:hh:y"), (plain("mem_btn_change", register), "i:hh:n")]]),
            )
        else:
            await send_text(update, t("intake_ask_adults", register), _numbers_markup("ad", 1, register))
    elif step == CHILDREN:
        await send_text(update, t("intake_ask_children", register), _numbers_markup("ch", 0, register))
    elif step == PLACE:
        await send_text(
            update, t("intake_ask_place", register), keyboard([[(plain("btn_centre_list_intake", register), "i:list")]])
        )
    elif step == NAME:
        await ask_name(update, context, draft, register)
    elif step == CONTACT:
        await send_text(
            update,
            t("intake_ask_contact", register),
            keyboard(
                [
                    [(plain("btn_contact_telegram", register), "i:cm:telegram")],
                    [(plain("btn_contact_phone", register), "i:cm:phone")],
                ]
            ),
        )
    elif step == PHONE:
        await send_text(update, t("intake_ask_phone", register), phone_request_markup(register))
    elif step == TIME:
        await send_text(
            update,
            t("intake_ask_time", register),
            keyboard(
                [
                    [(plain("btn_time_morning", register), "i:ct:morning")],
                    [(plain("btn_time_afternoon", register), "i:ct:afternoon")],
                    [(plain("btn_time_any", register), "i:ct:any")],
                ]
            ),
        )
    elif step == CONFIRM:
        await send_text(
            update,
            await _summary(context, draft, register),
            keyboard(
                [
                    [(plain("btn_send", register), "i:send")],
                    [(plain("btn_restart", register), "i:restart")],
                    [(plain("btn_cancel", register), "i:cancel")],
                ]
            ),
        )
    return step


def _categories_markup(draft: dict[str, Any], register: str) -> InlineKeyboardMarkup:
    chosen = set(draft.get("categories") or [])
    rows = [[(("✅ " if c in chosen else "") + _category_label(c, register), f"i:cat:{c}")] for c in CATEGORIES]
    rows.append([(plain("btn_continue", register), "i:next")])
    return keyboard(rows)


def _numbers_markup(prefix: str, first: int, register: str) -> InlineKeyboardMarkup:
    numbers = list(range(first, first + 6))
    row = [(str(n) if n < first + 5 else f"{n}+", f"i:{prefix}:{n}") for n in numbers]
    return keyboard([row[:3], row[3:]])


async def _summary(context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], register: str) -> str:
    categories = ", ".join(_category_label(c, register) for c in draft.get("categories", []))
    if draft.get("description"):
        description = draft["description"]
    elif draft.get("attachments"):
        description = plain("intake_files_description", register, count=len(draft["attachments"]))
    else:
        description = plain("intake_no_description", register)
    centre_name = await _centre_name(context, draft.get("centre_id"), register)
    time = plain(f"intake_time_{draft.get('time') or 'any'}", register)
    if draft.get("contact") == "phone":
        contact = plain("intake_contact_phone", register, phone=phone_display(draft.get("phone") or ""), time=time)
    else:
        contact = plain("intake_contact_telegram", register, time=time)
    name = draft.get("name") or plain("intake_name_not_given", register)
    return t(
        "intake_summary",
        register,
        name=name,
        categories=categories,
        description=description,
        adults=draft.get("adults"),
        children=draft.get("children"),
        place=draft.get("place") or "—",
        centre=centre_name,
        contact=contact,
    )


async def _centre_name(context: ContextTypes.DEFAULT_TYPE, centre_id: str | None, register: str) -> str:
    if centre_id:
        async with services_of(context).db.session() as session:
            centre = await get_centre(session, centre_id)
        if centre is not None:
            return centre.name_en if register == "en" else centre.name_el
    return plain("intake_unknown_centre", register)


# ---- entry, consent, resume ---------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    urgent = update.callback_query is not None and update.callback_query.data == "a:urgent"
    draft = context.user_data.get(DRAFT) if context.user_data is not None else None
    files = take_pending(context)  # sent before, with "send it to the Centre": they go with this request
    if isinstance(draft, dict) and draft.get("consent_at") and draft.get("step") not in (None, CONSENT):
        _add_files(draft, files)
        if urgent:
            draft["emergency"] = True
        register = register_of(context)
        await send_text(
            update,
            t("intake_resume", register),
            keyboard(
                [
                    [(plain("btn_resume", register), "i:resume")],
                    [(plain("btn_restart", register), "i:restart")],
                ]
            ),
        )
        return RESUME
    draft = _new_draft(context, emergency=urgent)
    _add_files(draft, files)
    if urgent:  # from the emergency answer: the danger topic chosen, what was typed carried (shown before storing)
        emergency.seed_urgent_request(context, draft, tuple(CATEGORIES))
    return await _ask(update, context, CONSENT)


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    draft = _draft(context)
    step = draft.get("step") or CONSENT
    pending = draft.pop("pending_text", None)
    if step == DESCRIPTION and pending:  # typed, then interrupted by the emergency answer: keep it
        draft["description"] = pending
        return await _ask(update, context, ADULTS)
    return await _ask(update, context, step)


async def on_restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    emergency = bool(_draft(context).get("emergency"))
    _new_draft(context, emergency=emergency)
    return await _ask(update, context, CONSENT)


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    if query is None or query.data != "i:consent:yes":
        _discard(context)  # refused: nothing of this request is kept anywhere
        register = register_of(context)
        await send_text(update, t("intake_consent_refused", register), main_menu_markup(register))
        return ConversationHandler.END
    _draft(context)["consent_at"] = utcnow().isoformat()
    return await _ask(update, context, CATEGORIES_STEP)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    from bot.handlers.privacy import privacy_notice

    await acknowledge(update)
    await send_text(update, privacy_notice(register_of(context)))
    return await _ask(update, context, CONSENT)


# ---- answers ------------------------------------------------------------------------------------------------


async def on_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    category = (query.data or "").removeprefix("i:cat:") if query else ""
    draft = _draft(context)
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
            await query.edit_message_reply_markup(_categories_markup(draft, register))
        except TelegramError:  # an old message can no longer be edited: show the list again
            await send_text(update, t("intake_ask_categories", register), _categories_markup(draft, register))
    return CATEGORIES_STEP


async def on_categories_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    register = register_of(context)
    if not _draft(context).get("categories"):
        if query is not None:
            with suppress(TelegramError):  # an old query can no longer be answered
                await query.answer(plain("intake_categories_none", register), show_alert=True)
        await send_text(update, t("intake_categories_none", register))
        return CATEGORIES_STEP
    await acknowledge(update)
    return await _ask(update, context, DESCRIPTION)


async def on_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    message = update.effective_message
    register = register_of(context)
    draft = _draft(context)
    draft.pop("pending_text", None)
    if message is not None and not message.text:
        incoming = await check_incoming(update, context)
        if incoming is None:  # refused (the citizen was told why) or nothing in it: the same question again
            return await _ask(update, context, DESCRIPTION)
        _add_files(draft, [incoming.ref()])
        await send_text(update, t("intake_voice_kept" if incoming.kind == "voice" else "intake_file_kept", register))
        return await _ask(update, context, ADULTS)
    text = text_of(update).strip()
    if not text:
        return await _ask(update, context, DESCRIPTION)
    if contains_pii(text):
        await send_text(update, t("pii_warning", register))
    # Stored masked from the first moment: user_data is written to the database after every update.
    draft["description"] = mask_pii(text)[:4000]
    return await _ask(update, context, ADULTS)


async def on_skip_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    _draft(context).pop("pending_text", None)
    return await _ask(update, context, ADULTS)


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


async def _on_count(update: Update, context: ContextTypes.DEFAULT_TYPE, field: str, step: str, next_step: str) -> str:
    query = update.callback_query
    await acknowledge(update)
    value = _number((query.data or "").rsplit(":", 1)[-1]) if query else _typed_count(field, text_of(update))
    if value is None or (field == "adults" and value < 1):
        await send_text(update, t("intake_bad_number", register_of(context)))
        return await _ask(update, context, step)
    _draft(context)[field] = value
    return await _ask(update, context, next_step)


async def on_household(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """`i:hh:y|n` under the household the memory knows: kept (on to the place), or asked."""
    query = update.callback_query
    await acknowledge(update)
    known = memory.recall(context.user_data).only(("adults", "minors"))
    if query is not None and query.data == "i:hh:y" and len(known) == 2:
        _draft(context).update(adults=int(known["adults"]), children=int(known["minors"]))
        return await _ask(update, context, PLACE)
    return await _ask(update, context, ADULTS)


async def on_adults(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _on_count(update, context, "adults", ADULTS, CHILDREN)


async def on_children(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _on_count(update, context, "children", CHILDREN, PLACE)


async def _take_route(update: Update, context: ContextTypes.DEFAULT_TYPE, result: RouteResult | None) -> str:
    register = register_of(context)
    draft = _draft(context)
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
    if result.centre_id is None:
        await send_text(update, t("intake_place_unserved", register, place=result.place or ""))
    else:
        centre_name = await _centre_name(context, result.centre_id, register)
        await send_text(update, t("intake_place_found", register, place=result.place or "", centre=centre_name))
    return await _ask(update, context, NAME)


async def on_place_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
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
        return await _ask(update, context, PLACE)
    draft = _draft(context)
    draft["centre_id"] = centre.id
    draft["place"] = draft.get("place") or (centre.town_en if register == "en" else centre.town_el)
    return await _ask(update, context, NAME)


async def ask_name(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], register: str) -> None:
    """The name: the one saved with the citizen's consent is offered ("is this you?"), else asked."""
    user = update.effective_user
    saved: str | None = None
    if user is not None and not draft.get("name_other"):
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
        saved = citizen.name if citizen is not None and citizen.consent_at is not None else None
    if saved:
        await send_text(
            update,
            t("intake_name_saved", register, name=saved),
            keyboard(
                [
                    [(plain("btn_name_mine", register), "i:nm:yes")],
                    [(plain("btn_name_other", register), "i:nm:other")],
                ]
            ),
        )
    else:  # the name they have on Telegram, one tap away (typing it works too)
        from_telegram = valid_name(telegram_name(update) or "")
        markup = (
            keyboard([[(plain("btn_use_tg_name", register, name=from_telegram), "i:nm:tg")]]) if from_telegram else None
        )
        await send_text(update, t("intake_ask_name", register), markup)


async def on_name_saved(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    user = update.effective_user
    draft = _draft(context)
    if query is not None and query.data == "i:nm:other":
        draft["name_other"] = True
        return await _ask(update, context, NAME)
    if query is not None and query.data == "i:nm:tg":
        name = valid_name(telegram_name(update) or "")
        if name is None:
            return await _ask(update, context, NAME)
        draft["name"] = name
        return await _ask(update, context, CONTACT)
    saved = None
    if user is not None:
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
        saved = citizen.name if citizen is not None and citizen.consent_at is not None else None
    if not saved:
        return await _ask(update, context, NAME)
    draft["name"] = saved
    return await _ask(update, context, CONTACT)


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    name = valid_name(text_of(update))
    if name is None:
        await send_text(update, t("bk_bad_name", register_of(context)))
        return NAME
    _draft(context)["name"] = name
    return await _ask(update, context, CONTACT)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    method = (query.data or "").removeprefix("i:cm:") if query else ""
    draft = _draft(context)
    draft["contact"] = "phone" if method == "phone" else "telegram"
    if method == "phone":
        return await _ask(update, context, PHONE)
    draft.pop("phone", None)
    return await _ask(update, context, TIME)


async def on_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _take_phone(update, context, normalise_phone(text_of(update)))


async def on_shared_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The request-contact button: the citizen's own number; someone else's card is refused kindly."""
    try:
        phone = shared_phone(update)
    except NotOwnContact:
        register = register_of(context)
        await send_text(update, t("contact_not_own", register), phone_request_markup(register))
        return PHONE
    return await _take_phone(update, context, phone)


async def _take_phone(update: Update, context: ContextTypes.DEFAULT_TYPE, phone: str | None) -> str:
    draft = _draft(context)
    draft.pop("pending_text", None)
    register = register_of(context)
    if phone is None:
        await send_text(update, t("intake_bad_phone", register), phone_request_markup(register))
        return PHONE
    draft["phone"] = phone
    await send_text(update, t("phone_kept", register, phone=phone_display(phone)), remove_keyboard())
    return await _ask(update, context, TIME)


async def on_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    _draft(context)["time"] = (query.data or "").removeprefix("i:ct:") if query else "any"
    return await _ask(update, context, CONFIRM)


async def press_a_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_text(update, t("intake_press_a_button", register_of(context)))


async def on_file_elsewhere(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent at another step, after consent: it goes with the request; the question stays the same."""
    draft = _draft(context)
    if not draft.get("consent_at"):
        await send_text(update, t("intake_press_a_button", register_of(context)))
        return
    incoming = await check_incoming(update, context)
    if incoming is not None:
        _add_files(draft, [incoming.ref()])
        await send_text(update, t("intake_file_kept", register_of(context)))


# ---- sending --------------------------------------------------------------------------------------------------


def _checklists(programme_ids: list[str], register: str) -> list[tuple[str, Any]]:
    out = []
    programmes = default_knowledge().programmes
    for pid in programme_ids:
        if pid not in programmes or not programmes[pid].documents:
            continue  # no checklist known: the centre will say what is needed
        try:
            answer = answers.render_documents(pid, register)
        except KeyError:
            continue
        out.append((pid, answer))
        if len(out) >= MAX_CHECKLISTS:
            break
    return out


async def on_send(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | str:
    await acknowledge(update)
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    draft = _draft(context)
    if user is None or chat is None or not draft.get("consent_at") or not draft.get("categories"):
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    categories: list[str] = list(draft["categories"])
    checklists = _checklists(programmes_for(categories), register)
    checklist_text = "\n\n".join(html_to_text("\n\n".join(a.parts)) for _pid, a in checklists) or None
    consent_at = datetime.fromisoformat(draft["consent_at"])
    files = await fetch_refs(context, list(draft.get("attachments") or []))
    async with services_of(context).db.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        citizen.consent_at, citizen.consent_version = consent_at, CONSENT_VERSION
        if isinstance(draft.get("name"), str):  # the consent covers the name: kept on the one citizen record
            citizen.name = draft["name"]
        if draft.get("phone"):
            citizen.phone = draft["phone"]
        if draft.get("centre_id"):
            citizen.home_centre_id = draft["centre_id"]
        try:
            intake = await create_intake(
                session,
                consent_at=consent_at,
                categories=categories,
                centre_id=draft.get("centre_id"),
                description=draft.get("description"),
                voice_file_id=draft.get("voice"),
                adults=draft.get("adults"),
                children=draft.get("children"),
                place=draft.get("place"),
                municipality_id=draft.get("municipality_id"),
                contact_method=draft.get("contact"),
                contact_phone=draft.get("phone"),
                contact_time=draft.get("time"),
                language=register,
                citizen_id=citizen.id,
                telegram_chat_id=chat.id,
                emergency=bool(draft.get("emergency")),
                programme_ids=[pid for pid, _a in checklists],
                checklist_text=checklist_text,
            )
        except IntakeError as exc:
            # The draft stays: nothing typed is lost. Only the field name is logged.
            log.warning("intake refused by core: %s", str(exc).split(":", 1)[0])
            await send_text(update, t("error", register))
            return CONFIRM
        await store_all(
            session,
            files,
            intake_id=intake.id,
            citizen_id=citizen.id,
            telegram_chat_id=chat.id,
            centre_id=intake.centre_id,
        )
        await session.commit()
        intake_id, urgent = intake.id, intake.urgent
    _discard(context)
    log.info("intake stored (urgent=%s)", urgent)
    if draft.get("centre_id"):
        centre_name = await _centre_name(context, draft["centre_id"], register)
        await send_text(update, t("intake_sent", register, centre=centre_name, number=intake_id))
    else:
        await send_text(update, t("intake_sent_coordinator", register, number=intake_id))
    if urgent:
        await send_text(update, t("intake_sent_urgent", register))
    if checklists:
        await send_text(update, t("intake_checklist_intro", register))
        for _pid, answer in checklists:
            await send_answer(update, context, answer)
    # An emergency interrupted another flow (a booking): offer it again, its draft kept.
    resumed = await emergency.offer_resume(update, context, ending="intake")
    if not checklists and not resumed:
        await send_text(update, t("menu", register), main_menu_markup(register))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    _discard(context)
    register = register_of(context)
    await send_text(update, t("intake_cancelled", register), main_menu_markup(register))
    return ConversationHandler.END


# ---- the early keeper ----------------------------------------------------------------------------------------


async def keep_typed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -12: text typed at a text step is kept (masked) in the draft before anything else runs, so an
    emergency answer that stops the update cannot lose it. It never answers and never stops the update."""
    data = context.user_data
    draft = data.get(DRAFT) if data is not None else None
    if isinstance(draft, dict) and draft.get("step") in _TEXT_STEPS and draft.get("consent_at"):
        text = text_of(update).strip()
        if text:
            draft["pending_text"] = mask_pii(text)[:4000]


CONVERSATION = ConversationHandler(
    entry_points=[
        CommandHandler("request", start),
        CallbackQueryHandler(start, pattern=r"^(m:intake|a:urgent|fl:intake)$"),
    ],
    states={
        RESUME: [
            CallbackQueryHandler(on_resume, pattern=r"^i:resume$"),
            CallbackQueryHandler(on_restart, pattern=r"^i:restart$"),
        ],
        CONSENT: [
            CallbackQueryHandler(on_consent, pattern=r"^i:consent:(yes|no)$"),
            CallbackQueryHandler(on_privacy, pattern=r"^i:privacy$"),
        ],
        CATEGORIES_STEP: [
            CallbackQueryHandler(on_category, pattern=r"^i:cat:[a-z_]{1,40}$"),
            CallbackQueryHandler(on_categories_done, pattern=r"^i:next$"),
        ],
        DESCRIPTION: [
            MessageHandler(FILES, on_description),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_description),
            CallbackQueryHandler(on_skip_description, pattern=r"^i:skip$"),
        ],
        ADULTS: [
            CallbackQueryHandler(on_adults, pattern=r"^i:ad:\d{1,2}$"),
            CallbackQueryHandler(on_household, pattern=r"^i:hh:(y|n)$"),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_adults),
        ],
        CHILDREN: [
            CallbackQueryHandler(on_children, pattern=r"^i:ch:\d{1,2}$"),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_children),
        ],
        PLACE: [
            MessageHandler(filters.LOCATION, on_place_location),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_place_text),
            CallbackQueryHandler(on_centre_list, pattern=r"^i:list$"),
            CallbackQueryHandler(on_centre_chosen, pattern=r"^i:centre:[a-z-]{2,40}$"),
        ],
        NAME: [
            CallbackQueryHandler(on_name_saved, pattern=r"^i:nm:(yes|other|tg)$"),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_name),
        ],
        CONTACT: [CallbackQueryHandler(on_contact, pattern=r"^i:cm:(telegram|phone)$")],
        PHONE: [
            MessageHandler(filters.CONTACT, on_shared_contact),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_phone),
        ],
        TIME: [CallbackQueryHandler(on_time, pattern=r"^i:ct:(morning|afternoon|any)$")],
        CONFIRM: [
            CallbackQueryHandler(on_send, pattern=r"^i:send$"),
            CallbackQueryHandler(on_restart, pattern=r"^i:restart$"),
        ],
    },
    fallbacks=[
        CommandHandler("cancel", cancel),
        CallbackQueryHandler(cancel, pattern=r"^i:cancel$"),
        MessageHandler(filters.TEXT & ~filters.COMMAND, press_a_button),
        MessageHandler(FILES, on_file_elsewhere),
    ],
    name="intake",
    persistent=True,
    allow_reentry=True,
)

EARLY_HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    MessageHandler(filters.TEXT & ~filters.COMMAND, keep_typed_text),
]
HANDLERS: list[BaseHandler[Update, Any, Any]] = [CONVERSATION]
