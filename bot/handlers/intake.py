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

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.attachments import check_incoming, take_pending
from bot.handlers import emergency
from bot.handlers.intake_answers import (
    on_adults,
    on_categories_done,
    on_category,
    on_centre_chosen,
    on_centre_list,
    on_children,
    on_description,
    on_household,
    on_known_place,
    on_place_location,
    on_place_text,
    on_skip_description,
)
from bot.handlers.intake_behalf import on_no_phone, refused_on_behalf, start_on_behalf
from bot.handlers.intake_contact import on_contact, on_name, on_name_saved, on_phone, on_shared_contact, on_time
from bot.handlers.intake_questions import ask
from bot.handlers.intake_send import on_send
from bot.handlers.intake_steps import (
    ADULTS,
    CATEGORIES_STEP,
    CHILDREN,
    CONFIRM,
    CONSENT,
    CONTACT,
    DESCRIPTION,
    DRAFT,
    NAME,
    PHONE,
    PLACE,
    RESUME,
    TEXT_STEPS,
    TIME,
    add_files,
    behalf_of,
    discard_draft,
    draft_of,
    new_draft,
)
from bot.handlers.media import FILES
from bot.handlers.menu import main_menu_markup
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core.intake import CATEGORIES
from core.models import utcnow
from core.pii import mask_pii
from knowledge.messages import plain, t

EARLY_GROUP = -12

# ---- entry, consent, resume ---------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    urgent = update.callback_query is not None and update.callback_query.data == "a:urgent"
    draft = context.user_data.get(DRAFT) if context.user_data is not None else None
    files = take_pending(context)  # sent before, with "send it to the Centre": they go with this request
    if isinstance(draft, dict) and draft.get("consent_at") and draft.get("step") not in (None, CONSENT):
        add_files(draft, files)
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
    draft = new_draft(context, emergency=urgent)
    add_files(draft, files)
    if urgent:  # from the emergency answer: the danger topic chosen, what was typed carried (shown before storing)
        emergency.seed_urgent_request(context, draft, tuple(CATEGORIES))
    return await ask(update, context, CONSENT)


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    draft = draft_of(context)
    step = draft.get("step") or CONSENT
    pending = draft.pop("pending_text", None)
    if step == DESCRIPTION and pending:  # typed, then interrupted by the emergency answer: keep it
        draft["description"] = pending
        return await ask(update, context, ADULTS)
    return await ask(update, context, step)


async def on_restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await acknowledge(update)
    old = draft_of(context)
    draft = new_draft(context, emergency=bool(old.get("emergency")))
    if isinstance(old.get("behalf"), int):  # a mediator's request stays on behalf
        draft.update(behalf=old["behalf"], centre_id=old.get("centre_id"))
    return await ask(update, context, CONSENT)


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    if query is None or query.data != "i:consent:yes":
        if behalf_of(context) is not None:
            return await refused_on_behalf(update, context)
        discard_draft(context)  # refused: nothing of this request is kept anywhere
        register = register_of(context)
        await send_text(update, t("intake_consent_refused", register), main_menu_markup(register))
        return ConversationHandler.END
    draft_of(context)["consent_at"] = utcnow().isoformat()
    return await ask(update, context, CATEGORIES_STEP)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    from bot.handlers.privacy import privacy_notice

    await acknowledge(update)
    await send_text(update, privacy_notice(register_of(context)))
    return await ask(update, context, CONSENT)


async def press_a_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_text(update, t("intake_press_a_button", register_of(context)))


async def on_file_elsewhere(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent at another step, after consent: it goes with the request; the question stays the same."""
    draft = draft_of(context)
    if not draft.get("consent_at"):
        await send_text(update, t("intake_press_a_button", register_of(context)))
        return
    incoming = await check_incoming(update, context)
    if incoming is not None:
        add_files(draft, [incoming.ref()])
        await send_text(update, t("intake_file_kept", register_of(context)))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    discard_draft(context)
    register = register_of(context)
    await send_text(update, t("intake_cancelled", register), main_menu_markup(register))
    return ConversationHandler.END


# ---- the early keeper ----------------------------------------------------------------------------------------


async def keep_typed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -12: text typed at a text step is kept (masked) in the draft before anything else runs, so an
    emergency answer that stops the update cannot lose it. It never answers and never stops the update."""
    data = context.user_data
    draft = data.get(DRAFT) if data is not None else None
    if isinstance(draft, dict) and draft.get("step") in TEXT_STEPS and draft.get("consent_at"):
        text = text_of(update).strip()
        if text:
            draft["pending_text"] = mask_pii(text)[:4000]


_ENTRY_POINTS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("request", start),
    CallbackQueryHandler(start, pattern=r"^(m:intake|a:urgent|fl:intake)$"),
    CallbackQueryHandler(start_on_behalf, pattern=r"^md:i$"),  # a mediator, for a person without a phone
]

CONVERSATION = ConversationHandler(
    entry_points=_ENTRY_POINTS,
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
            CallbackQueryHandler(on_known_place, pattern=r"^i:pl:(y|n)$"),
        ],
        NAME: [
            CallbackQueryHandler(on_name_saved, pattern=r"^i:nm:(yes|other|tg)$"),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_name),
        ],
        CONTACT: [CallbackQueryHandler(on_contact, pattern=r"^i:cm:(telegram|phone)$")],
        PHONE: [
            MessageHandler(filters.CONTACT, on_shared_contact),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_phone),
            CallbackQueryHandler(on_no_phone, pattern=r"^i:np$"),
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
