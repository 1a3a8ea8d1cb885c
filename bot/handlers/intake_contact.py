"""The answers about the person of a request (intake): the name (saved one offered, Telegram's one tap away), how
and when to be contacted, the phone (the share-my-phone button or typed). The flow is in bot/handlers/intake.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import waiting
from bot.contact_share import NotOwnContact, phone_request_markup, remove_keyboard, shared_phone, telegram_name
from bot.handlers.intake_questions import ask
from bot.handlers.intake_steps import (
    CONFIRM,
    CONTACT,
    NAME,
    PHONE,
    TIME,
    behalf_of,
    draft_of,
)
from bot.services import services_of
from bot.ui import acknowledge, register_of, send_text, text_of
from core.citizens import citizen_by_telegram_id, valid_name
from core.intake import normalise_phone
from core.phones import phone_display
from knowledge.messages import t


async def on_name_saved(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    user = update.effective_user
    draft = draft_of(context)
    if query is not None and query.data == "i:nm:other":
        draft["name_other"] = True
        return await ask(update, context, NAME)
    if query is not None and query.data == "i:nm:tg":
        name = valid_name(telegram_name(update) or "")
        if name is None:
            return await ask(update, context, NAME)
        draft["name"] = name
        return await ask(update, context, CONTACT)
    saved = None
    if user is not None:
        async with services_of(context).db.session() as session:
            citizen = await citizen_by_telegram_id(session, user.id)
        saved = citizen.name if citizen is not None and citizen.consent_at is not None else None
    if not saved:
        return await ask(update, context, NAME)
    draft["name"] = saved
    return await ask(update, context, CONTACT)


async def on_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    name = valid_name(text_of(update))
    if name is None:
        await send_text(update, t("bk_bad_name", register_of(context)))
        return NAME
    draft_of(context)["name"] = name
    return await ask(update, context, CONTACT)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    method = (query.data or "").removeprefix("i:cm:") if query else ""
    draft = draft_of(context)
    draft["contact"] = "phone" if method == "phone" else "telegram"
    if method == "phone":
        return await ask(update, context, PHONE)
    draft.pop("phone", None)
    return await ask(update, context, TIME)


@waiting.answers_at(PHONE)
def reads_as_phone(text: str) -> bool:
    return normalise_phone(text) is not None


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
    draft = draft_of(context)
    draft.pop("pending_text", None)
    register = register_of(context)
    if phone is None:
        await send_text(update, t("intake_bad_phone", register), phone_request_markup(register))
        return PHONE
    draft["phone"] = phone
    await send_text(update, t("phone_kept", register, phone=phone_display(phone)), remove_keyboard())
    if behalf_of(context) is not None:  # on behalf: no contact-method question, a phone means "call"
        draft["contact"] = "phone"
    return await ask(update, context, TIME)


async def on_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    await acknowledge(update)
    draft_of(context)["time"] = (query.data or "").removeprefix("i:ct:") if query else "any"
    return await ask(update, context, CONFIRM)
