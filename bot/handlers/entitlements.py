""""What can I get?" (the ask_entitlements intent, or its topic button): a few yes/no questions about the
household, then the programmes worth a look, each one tap from its answer.

The questions, their order and the ranking are `knowledge.entitlements`'; answers are typed or tapped
(`w:<question>:y|n|u`) and kept in `user_data[ANSWERS_KEY]` until the suggestions are shown.
"""

from __future__ import annotations

import logging
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

from bot.handlers import free_text
from bot.handlers.eligibility import button_answer, left_for_topic, question_markup, stopped
from bot.nlu_access import IntentFilter
from bot.ui import acknowledge, register_of, send_answer, send_text, text_of
from knowledge import answers
from knowledge.eligibility import EligibilityError, error_message, parse_answer, question
from knowledge.entitlements import ENTITLEMENT_QUESTIONS, Situation, render_suggestions, suggest
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

ASK = "ent_ask"
ANSWERS_KEY = "entitlements"
PREFIX = "w"
LIST = "list"


def _answers(context: ContextTypes.DEFAULT_TYPE) -> dict[str, bool | None] | None:
    data = context.user_data.get(ANSWERS_KEY) if context.user_data is not None else None
    if not isinstance(data, dict) or not set(data) <= set(ENTITLEMENT_QUESTIONS):
        return None
    return data


def _pending(answered: dict[str, bool | None]) -> str | None:
    return next((key for key in ENTITLEMENT_QUESTIONS if key not in answered), None)


async def _ask_next(update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]
                    ) -> str | int:
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    register = register_of(context)
    n, total = ENTITLEMENT_QUESTIONS.index(key) + 1, len(ENTITLEMENT_QUESTIONS)
    text = f"<i>{t('ans_question_number', register, n=n, total=total)}</i>\n{question(key, register)}"
    extra = [(plain("ans_btn_all_programmes", register), f"{PREFIX}:{LIST}")] if n == 1 else None
    await send_text(update, text, question_markup(PREFIX, key, register, extra=extra))
    return ASK


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]) -> int:
    suggestions = suggest(Situation.from_answers(answered))
    if context.user_data is not None:
        context.user_data.pop(ANSWERS_KEY, None)  # the suggestions are shown: the answers are not kept
    await send_answer(update, context, render_suggestions(suggestions, register_of(context)))
    return ConversationHandler.END


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    register = register_of(context)
    answered: dict[str, bool | None] = {}
    if context.user_data is not None:
        context.user_data[ANSWERS_KEY] = answered
    await send_text(update, t("ans_ent_intro", register, count=len(ENTITLEMENT_QUESTIONS)))
    return await _ask_next(update, context, answered)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    answered = _answers(context)
    if answered is None:  # the stored answers are gone (e.g. /forget): this is ordinary free text again
        await free_text.on_text(update, context)
        return ConversationHandler.END
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    try:
        value = parse_answer(key, text_of(update))
    except EligibilityError as error:
        if await left_for_topic(update, context):
            if context.user_data is not None:
                context.user_data.pop(ANSWERS_KEY, None)
            return ConversationHandler.END
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, answered)
    answered[key] = value if isinstance(value, bool) else None
    return await _ask_next(update, context, answered)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    answered = _answers(context)
    if answered is None:
        return await stopped(update, context, ANSWERS_KEY)
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    valid, value = button_answer(query.data or "" if query else "", PREFIX, key)
    if not valid:
        log.info("stale or forged entitlements button (update %s)", update.update_id)
        await send_text(update, t("ans_stale_question", register_of(context)))
        return await _ask_next(update, context, answered)
    answered[key] = value
    return await _ask_next(update, context, answered)


async def show_all(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """"All programmes" instead of the questions: the topic answer with one button per programme."""
    await acknowledge(update)
    if context.user_data is not None:
        context.user_data.pop(ANSWERS_KEY, None)
    await send_answer(update, context, answers.render_topic("ask_entitlements", register_of(context)))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await stopped(update, context, ANSWERS_KEY)


CONVERSATION = ConversationHandler(
    entry_points=[
        MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter("ask_entitlements"), start),
        CallbackQueryHandler(start, pattern=r"^a:topic:ask_entitlements$"),
    ],
    states={
        ASK: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}:x$"),
            CallbackQueryHandler(show_all, pattern=rf"^{PREFIX}:{LIST}$"),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel)],
    name="entitlements",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [CONVERSATION]
