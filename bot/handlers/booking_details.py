"""Who the appointment is for: the citizen's own saved details ("these?") or name → phone → consent; or, when a
mediator books on behalf of a citizen without Telegram, the citizen's name → phone (or none) → settlement → the
citizen's oral consent. The same name and phone steps serve both; only the questions differ."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot import waiting
from bot.contact_share import NotOwnContact, phone_request_markup, remove_keyboard, shared_phone, telegram_name
from bot.drafts import now_utc
from bot.handlers.booking_finish import finish
from bot.handlers.booking_steps import (
    CONSENT,
    DETAILS,
    NAME,
    ORAL_CONSENT,
    PHONE,
    SETTLEMENT,
    behalf_of,
    clear_draft,
    draft_of,
    stale,
)
from bot.handlers.menu import main_menu_markup
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core import audit
from core.booking.display import when_text
from core.booking.tx import booking_write
from core.citizens import citizen_by_telegram_id, get_or_create_citizen, valid_name
from core.models import Citizen
from core.phones import normalise_phone, phone_display
from knowledge.messages import plain, t

CONSENT_VERSION = "booking-1"


def _no_phone_markup(register: str) -> InlineKeyboardMarkup:
    return keyboard([[(plain("btn_md_no_phone", register), "bk:np")]])


async def ask_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    register = register_of(context)
    if behalf_of(context) is not None:
        draft_of(context)["step"] = NAME
        await send_text(update, t("md_ask_name", register))
        return NAME
    user = update.effective_user
    citizen: Citizen | None = None
    if user is not None:
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
    if citizen is not None and citizen.name and citizen.phone and citizen.consent_at is not None:
        await send_text(
            update,
            t("bk_use_saved", register, name=citizen.name, phone=phone_display(citizen.phone)),
            keyboard(
                [[(plain("btn_yes_these", register), "bk:ok")], [(plain("btn_other_details", register), "bk:ed")]]
            ),
        )
        return DETAILS
    return await ask_name(update, context)


async def ask_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The citizen's own name: typed, or the name they have on Telegram confirmed with one tap."""
    register = register_of(context)
    draft_of(context)["step"] = NAME
    name = valid_name(telegram_name(update) or "")
    markup = keyboard([[(plain("btn_use_tg_name", register, name=name), "bk:tn")]]) if name else None
    await send_text(update, t("bk_ask_name", register), markup)
    return NAME


async def on_saved_ok(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    return await finish(update, context)


async def on_edit_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    return await ask_name(update, context)


async def on_telegram_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    if behalf_of(context) is not None:  # the mediator's own Telegram name is not the citizen's
        return await stale(update, context)
    return await _take_name(update, context, valid_name(telegram_name(update) or ""))


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _take_name(update, context, valid_name(text_of(update)))


async def _take_name(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str | None) -> str:
    register = register_of(context)
    if name is None:
        await send_text(update, t("bk_bad_name", register))
        return NAME
    draft_of(context).update(name=name, step=PHONE)
    if behalf_of(context) is not None:
        await send_text(update, t("md_ask_phone", register), _no_phone_markup(register))
    else:
        await send_text(update, t("bk_ask_phone", register), phone_request_markup(register))
    return PHONE


@waiting.answers_at(PHONE)
def reads_as_phone(text: str) -> bool:
    return normalise_phone(text) is not None


async def on_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _take_phone(update, context, normalise_phone(text_of(update)))


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The request-contact button: the citizen's own number, shared by Telegram."""
    register = register_of(context)
    try:
        phone = shared_phone(update)
    except NotOwnContact:
        await send_text(
            update,
            t("contact_not_own", register),
            None if behalf_of(context) is not None else phone_request_markup(register),
        )
        return PHONE
    return await _take_phone(update, context, phone)


async def _take_phone(update: Update, context: ContextTypes.DEFAULT_TYPE, phone: str | None) -> str:
    register = register_of(context)
    on_behalf = behalf_of(context) is not None
    if phone is None:
        await send_text(
            update,
            t("bk_bad_phone", register),
            _no_phone_markup(register) if on_behalf else phone_request_markup(register),
        )
        return PHONE
    draft_of(context).update(phone=phone)
    if on_behalf:
        return await ask_settlement(update, context)
    # The share-phone keyboard goes away once the number is in.
    await send_text(update, t("phone_kept", register, phone=phone_display(phone)), remove_keyboard())
    draft_of(context)["step"] = CONSENT
    await send_text(
        update,
        t("bk_consent", register),
        keyboard([[(plain("btn_agree", register), "bk:yes")], [(plain("btn_disagree", register), "bk:no")]]),
    )
    return CONSENT


async def on_no_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    if behalf_of(context) is None:
        return await stale(update, context)
    draft_of(context)["phone"] = None
    return await ask_settlement(update, context)


async def ask_settlement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    draft_of(context)["step"] = SETTLEMENT
    await send_text(update, t("md_ask_settlement", register_of(context)))
    return SETTLEMENT


async def on_settlement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    register = register_of(context)
    settlement = " ".join(text_of(update).split())
    if not 2 <= len(settlement) <= 120:
        await send_text(update, t("md_bad_settlement", register))
        return SETTLEMENT
    draft = draft_of(context)
    draft.update(settlement=settlement, step=ORAL_CONSENT)
    start_iso = draft.get("start")
    when = when_text(datetime.fromisoformat(start_iso), register, "gen") if isinstance(start_iso, str) else ""
    await send_text(
        update,
        t("md_consent", register, phone=bool(draft.get("phone")), when=when),
        keyboard([[(plain("btn_md_consent", register), "bk:oral")], [(plain("btn_cancel", register), "x:cancel")]]),
    )
    return ORAL_CONSENT


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Remember the details first (their own transaction: consent stands even if the slot is then gone)."""
    await acknowledge(update)
    user = update.effective_user
    draft = draft_of(context)
    name, phone = draft.get("name"), draft.get("phone")
    if user is None or not isinstance(name, str) or not isinstance(phone, str) or behalf_of(context) is not None:
        return await stale(update, context)
    async with booking_write(services_of(context).db) as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        citizen.name, citizen.phone = name, phone
        citizen.consent_at, citizen.consent_version = now_utc(), CONSENT_VERSION
        audit.record(
            session,
            actor_kind="citizen",
            actor_id=str(citizen.id),
            action="consent",
            record_kind="citizen",
            record_id=str(citizen.id),
            details={"purpose": "booking"},
        )
    draft.pop("name", None)
    draft.pop("phone", None)
    return await finish(update, context)


async def on_oral_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    if behalf_of(context) is None or not isinstance(draft_of(context).get("name"), str):
        return await stale(update, context)
    return await finish(update, context)


async def on_decline_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    clear_draft(context)
    await send_text(update, t("bk_consent_declined", register), main_menu_markup(register))
    return ConversationHandler.END
