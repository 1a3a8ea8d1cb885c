""" "Talk to a person": the chat is handed to the staff of the citizen's centre and back.

- Entry: the `a:handoff` button under answers, the menu's `m:handoff`, or free text understood as `human_handoff`.
  Consent first (messages are stored for the centre), then the centre: the citizen's own, or asked for.
- While a conversation is open, `EARLY_HANDLERS` (group -11, before the emergency check) store every text, voice
  note, photo and document (checked first, bot/attachments.py) for the staff inbox and stop the update, so the bot
  does not answer on its own — except when the message is an emergency: it is stored *and* the emergency group
  still answers with the helplines at once.
- Staff replies arrive through the outbox (bot/outbox_delivery.py). `h:end` lets the citizen end it; when staff
  close it the outbox tells the citizen that the bot has taken over again.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.attachments import check_incoming, fetch_refs, incoming_file, store_all, take_pending
from bot.centre_buttons import all_centre_rows, route_shared_location
from bot.handlers.media import FILES
from bot.handlers.menu import main_menu_markup
from bot.nlu_access import IntentFilter, understand
from bot.services import services_of
from bot.ui import acknowledge, keyboard, register_of, send_text, text_of
from core.booking.display import when_text
from core.centres import get_centre
from core.citizens import get_or_create_citizen
from core.handoff import (
    close_conversation,
    known_without_open_conversation,
    open_conversation,
    open_conversation_for_chat,
    record_citizen_message,
)
from core.handoff_outlook import Outlook, centre_outlook
from core.intake import CONSENT_VERSION, intakes_of_citizen
from core.models import utcnow
from core.pii import contains_pii
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

EARLY_GROUP = -11
CONSENT = "handoff_consent"
PLACE = "handoff_place"


def _end_markup(register: str) -> Any:
    return keyboard([[(plain("btn_handoff_end", register), "h:end")]])


async def capture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -11: a citizen with an open handoff — keep the message for staff and keep the bot quiet."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    db = services_of(context).db
    if known_without_open_conversation(db.step_session(), chat.id):  # most messages: noted for the whole batch
        return
    async with db.session() as session:
        conversation = await open_conversation_for_chat(session, chat.id)
        if conversation is None:
            return
    files = []
    if incoming_file(message) is not None:
        incoming = await check_incoming(update, context)  # refused: the citizen is told why, nothing is kept
        if incoming is None:
            raise ApplicationHandlerStop
        files = await fetch_refs(context, [incoming.ref()])
    async with services_of(context).db.session() as session:
        conversation = await open_conversation_for_chat(session, chat.id)
        if conversation is None:
            return
        voice = message.voice.file_id if message.voice else None
        stored = await record_citizen_message(
            session, conversation, text=message.text or message.caption, voice_file_id=voice, now=utcnow()
        )
        await store_all(
            session,
            files,
            conversation_id=conversation.id,
            message_id=stored.id,
            citizen_id=conversation.citizen_id,
            telegram_chat_id=chat.id,
            centre_id=conversation.centre_id,
        )
        await session.commit()
    if message.text and contains_pii(message.text):
        await send_text(update, t("pii_warning", register_of(context)))
    parse = await understand(update, context) if message.text else None
    if parse is not None and parse.intent == "emergency":
        return  # stored; the emergency group answers with the helplines next
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return ConversationHandler.END
    async with services_of(context).db.session() as session:
        if await open_conversation_for_chat(session, chat.id) is not None:
            await send_text(update, t("handoff_already_open", register), _end_markup(register))
            return ConversationHandler.END
    await send_text(
        update,
        t("handoff_consent", register),
        keyboard(
            [
                [(plain("btn_consent_yes", register), "h:consent:yes")],
                [(plain("btn_consent_no", register), "h:consent:no")],
            ]
        ),
    )
    return CONSENT


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    if query is None or query.data != "h:consent:yes":
        take_pending(context)  # a file sent to go with it is not kept either
        await send_text(update, t("handoff_consent_refused", register), main_menu_markup(register))
        return ConversationHandler.END
    user = update.effective_user
    if user is None:
        return ConversationHandler.END
    async with services_of(context).db.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        centre_id = citizen.home_centre_id
        if centre_id is None:
            intakes = await intakes_of_citizen(session, citizen.id)
            centre_id = next((i.centre_id for i in reversed(intakes) if i.centre_id), None)
        await session.commit()
    if centre_id is not None:
        return await _open(update, context, centre_id)
    await send_text(update, t("handoff_ask_place", register), _place_markup(register))
    return PLACE


def _place_markup(register: str) -> ReplyKeyboardMarkup:
    """Share the location (Telegram asks the phone for it), the list, or "don't know": nothing to type."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(plain("btn_send_location", register), request_location=True)],
            [
                KeyboardButton(plain("btn_centre_list_intake", register)),
                KeyboardButton(plain("btn_dont_know", register)),
            ],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def on_centre_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The centres as buttons (town first, nearest first when known): no typing needed."""
    await acknowledge(update)
    register = register_of(context)
    rows = await all_centre_rows(update, context, register, "h:c:")
    await send_text(update, t("handoff_list_intro", register), ReplyKeyboardRemove())
    await send_text(update, t("centre_list", register), keyboard(rows))
    return PLACE


async def on_centre_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    centre_id = (query.data or "").removeprefix("h:c:") if query else ""
    async with services_of(context).db.session() as session:
        known = await get_centre(session, centre_id) is not None
    if not known:  # forged or stale: the question again, nothing changed
        register = register_of(context)
        await send_text(update, t("stale_button", register))
        return PLACE
    return await _open(update, context, centre_id)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """A shared location goes to the centre serving the nearest settlement, as in "where is my centre"."""
    register = register_of(context)
    routed = route_shared_location(update, context)
    if routed is None:  # outside the region: asked again, the buttons stay
        await send_text(update, t("centre_outside_region", register), _place_markup(register))
        return PLACE
    place = services_of(context).router.place_label(routed.place, register) or ""
    await send_text(update, t("handoff_near", register, place=place), ReplyKeyboardRemove())
    return await _open(update, context, routed.centre_id)


async def on_place_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """A typed town or village, or one of the keyboard's text buttons (the list, "don't know")."""
    register = register_of(context)
    text = text_of(update).strip()
    if text == plain("btn_centre_list_intake", register):
        return await on_centre_list(update, context)
    if text == plain("btn_dont_know", register):
        return await on_skip_place(update, context)
    routed = services_of(context).router.route_text(text)
    if routed.centre_id is not None:
        place = services_of(context).router.place_label(routed.place, register) or ""
        await send_text(update, t("handoff_near", register, place=place), ReplyKeyboardRemove())
    else:
        await send_text(update, t("handoff_place_to_coordinator", register), ReplyKeyboardRemove())
    return await _open(update, context, routed.centre_id)


async def on_skip_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("handoff_place_to_coordinator", register), ReplyKeyboardRemove())
    return await _open(update, context, None)


async def _open(update: Update, context: ContextTypes.DEFAULT_TYPE, centre_id: str | None) -> int:
    """Consent was given: record it, open the conversation for `centre_id` (None: the coordinator's inbox)."""
    register = register_of(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return ConversationHandler.END
    now = utcnow()
    files = await fetch_refs(context, take_pending(context))  # sent before with "to a person"
    async with services_of(context).db.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=user.id)
        citizen.consent_at, citizen.consent_version = now, CONSENT_VERSION
        if centre_id is not None and citizen.home_centre_id is None:
            citizen.home_centre_id = centre_id
        conversation = await open_conversation(
            session, telegram_chat_id=chat.id, citizen_id=citizen.id, centre_id=centre_id, language=register, now=now
        )
        for media in files:
            message = await record_citizen_message(session, conversation, now=now)
            await store_all(
                session,
                [media],
                conversation_id=conversation.id,
                message_id=message.id,
                citizen_id=citizen.id,
                telegram_chat_id=chat.id,
                centre_id=centre_id,
            )
        centre = await get_centre(session, centre_id) if centre_id else None
        outlook = await centre_outlook(session, centre_id, now)
        await session.commit()
    name = (
        (centre.name_en if register == "en" else centre.name_el) if centre else plain("handoff_coordinator", register)
    )
    log.info("conversation handed over to staff")
    await send_text(
        update, t("handoff_opened", register, centre=name) + "\n\n" + _expect(outlook, register), _end_markup(register)
    )
    return ConversationHandler.END


def _expect(outlook: Outlook | None, register: str) -> str:
    """What to expect, from the bookable hours (the official opening hours are not known: the text says so)."""
    if outlook is None:
        return t("handoff_expect_unknown", register)
    if outlook.open_now:
        return t("handoff_expect_open", register)
    if outlook.next_opening is None:
        return t("handoff_expect_unknown", register)
    return t("handoff_expect_closed", register, when=when_text(outlook.next_opening, register))


async def on_end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The citizen ends the handoff (`h:end`); a stale button when nothing is open."""
    await acknowledge(update)
    register = register_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    async with services_of(context).db.session() as session:
        conversation = await open_conversation_for_chat(session, chat.id)
        if conversation is not None:
            await close_conversation(session, conversation.id, closed_by="citizen", now=utcnow())
            await session.commit()
    if conversation is None:
        await send_text(update, t("handoff_not_open", register), main_menu_markup(register))
        return
    await send_text(update, t("handoff_ended_by_citizen", register), main_menu_markup(register))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("handoff_consent_refused", register), main_menu_markup(register))
    return ConversationHandler.END


CONVERSATION = ConversationHandler(
    entry_points=[
        CallbackQueryHandler(start, pattern=r"^(a:handoff|m:handoff|fl:handoff)$"),
        MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter("human_handoff"), start),
    ],
    states={
        CONSENT: [CallbackQueryHandler(on_consent, pattern=r"^h:consent:(yes|no)$")],
        PLACE: [
            MessageHandler(filters.LOCATION, on_location),
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_place_text),
            CallbackQueryHandler(on_skip_place, pattern=r"^h:skip$"),
            CallbackQueryHandler(on_centre_list, pattern=r"^h:list$"),
            CallbackQueryHandler(on_centre_chosen, pattern=r"^h:c:[a-z-]{2,40}$"),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel)],
    name="handoff",
    persistent=True,
    allow_reentry=True,
)

EARLY_HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    MessageHandler((filters.TEXT & ~filters.COMMAND) | FILES, capture),
]
HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CONVERSATION,
    CallbackQueryHandler(on_end, pattern=r"^h:end$"),
]
