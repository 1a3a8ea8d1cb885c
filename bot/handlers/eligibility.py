"""The "Δικαιούμαι;" pre-check (`a:check:<scheme>` under an answer): the scheme's questions one at a time, then an
indicative result. The rules, the question texts and the answer parsing are `knowledge.eligibility`'s; this module
only holds the conversation.

Answers live in `user_data[ANSWERS_KEY]` as JSON (amounts as strings), so a restart resumes mid-way and a bad
answer loses nothing: it gets a kind message and the same question again. Buttons carry the question they
answer (`e:<question>:y|n|u`), so a button from an earlier question is recognised as stale and changes nothing.

The yes/no/"don't know" keyboard and the answer handling are shared with "what can I get?" (entitlements.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
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
from bot.handlers.menu import main_menu_markup
from bot.handlers.topics import show_topic
from bot.nlu_access import cached_parse
from bot.ui import acknowledge, keyboard, register_of, send_answer, send_text, text_of
from knowledge import answers
from knowledge.eligibility import (
    SCHEMES,
    UNKNOWN_ALLOWED,
    YES_NO_KEYS,
    EligibilityError,
    Household,
    check,
    error_message,
    needed_questions,
    parse_answer,
    question,
    render_result,
)
from knowledge.messages import plain, t
from nlu.types import FALLBACK

log = logging.getLogger(__name__)

ASK = "elig_ask"
ANSWERS_KEY = "eligibility"
PREFIX = "e"
CANCEL = "x"
# A button's answer: yes, no, "I don't know".
BUTTON_VALUES: Mapping[str, bool | None] = {"y": True, "n": False, "u": None}
# Leaving the questions for a topic needs a sure reading: a half-understood answer ("πολλά λεφτά") is better
# met with the question again than with an answer about something else.
LEAVE_CONFIDENCE = 0.8

Answers = dict[str, Any]


# ---- shared with entitlements.py -----------------------------------------------------------------

def question_markup(prefix: str, key: str, register: str, *, extra: list[tuple[str, str]] | None = None
                    ) -> InlineKeyboardMarkup:
    """Yes/no buttons for yes/no questions, "I don't know" where that is an answer, and a way out."""
    rows: list[list[tuple[str, str]]] = []
    if key in YES_NO_KEYS:
        rows.append([(plain("ans_btn_yes", register), f"{prefix}:{key}:y"),
                     (plain("ans_btn_no", register), f"{prefix}:{key}:n")])
    if key in UNKNOWN_ALLOWED:
        rows.append([(plain("ans_btn_dont_know", register), f"{prefix}:{key}:u")])
    if extra:
        rows.extend([[button] for button in extra])
    rows.append([(plain("btn_cancel", register), f"{prefix}:{CANCEL}")])
    return keyboard(rows)


async def send_question(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, key: str, n: int,
                        total: int) -> None:
    register = register_of(context)
    text = f"<i>{t('ans_question_number', register, n=n, total=total)}</i>\n{question(key, register)}"
    await send_text(update, text, question_markup(prefix, key, register))


def button_answer(data: str, prefix: str, key: str) -> tuple[bool, bool | None]:
    """(valid, value) of a pressed answer button for question `key`; invalid when stale, forged or not an
    answer this question accepts."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != prefix or parts[1] != key or parts[2] not in BUTTON_VALUES:
        return False, None
    value = BUTTON_VALUES[parts[2]]
    if value is None and key not in UNKNOWN_ALLOWED:
        return False, None
    if value is not None and key not in YES_NO_KEYS:
        return False, None
    return True, value


async def left_for_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A message that is not an answer but clearly asks about a topic ("επίδομα παιδιών" while we wait for a
    number): the person has moved on, so answer that instead of repeating the question. False otherwise."""
    message = update.effective_message
    parse = cached_parse(message) if message is not None else None
    if (parse is None or parse.intent == FALLBACK or parse.intent not in answers.topics()
            or parse.confidence < LEAVE_CONFIDENCE):
        return False
    await send_text(update, t("ans_flow_left", register_of(context)))
    await show_topic(update, context, parse.intent)
    return True


async def stopped(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> int:
    """/cancel or the ✖️ button: drop the answers, say nothing changed, show the menu."""
    await acknowledge(update)
    if context.user_data is not None:
        context.user_data.pop(key, None)
    register = register_of(context)
    await send_text(update, t("cancelled", register), main_menu_markup(register))
    return ConversationHandler.END


# ---- the pre-check -------------------------------------------------------------------------------

def _state(context: ContextTypes.DEFAULT_TYPE) -> tuple[str, Answers] | None:
    data = context.user_data.get(ANSWERS_KEY) if context.user_data is not None else None
    if not isinstance(data, dict) or data.get("scheme") not in SCHEMES or not isinstance(data.get("answers"), dict):
        return None
    return data["scheme"], data["answers"]


def questions_for(scheme: str, answered: Answers) -> list[str]:
    """The scheme's questions that apply: "single parent?" only when there are children (or we don't know yet)."""
    return [key for key in needed_questions(scheme)
            if not (key == "single_parent" and answered.get("minors") == 0)]


def _pending(scheme: str, answered: Answers) -> str | None:
    return next((key for key in questions_for(scheme, answered) if key not in answered), None)


def _stored(value: int | bool | Decimal | None) -> int | bool | str | None:
    """JSON for user_data: amounts as strings, so that no cent is lost to floats."""
    return str(value) if isinstance(value, Decimal) else value


def household_of(answered: Answers) -> Household:
    """The household so far (defaults for what is not asked yet); raises EligibilityError when inconsistent."""
    def amount(key: str) -> Decimal | None:
        value = answered.get(key)
        return None if value is None else Decimal(str(value))

    return Household(
        adults=int(answered.get("adults", 1)),
        minors=int(answered.get("minors", 0)),
        single_parent=bool(answered.get("single_parent", False)),
        income_6m=amount("income_6m"),
        income_year=amount("income_year"),
        rents_home=answered.get("rents_home"),
    )


async def _ask_next(update: Update, context: ContextTypes.DEFAULT_TYPE, scheme: str, answered: Answers
                    ) -> str | int:
    key = _pending(scheme, answered)
    if key is None:
        return await _finish(update, context, scheme, answered)
    keys = questions_for(scheme, answered)
    await send_question(update, context, PREFIX, key, keys.index(key) + 1, len(keys))
    return ASK


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, scheme: str, answered: Answers) -> int:
    register = register_of(context)
    result = check(scheme, household_of(answered))
    if context.user_data is not None:
        context.user_data.pop(ANSWERS_KEY, None)  # the result is shown: the household's answers are not kept
    await send_answer(update, context, render_result(result, register))
    return ConversationHandler.END


async def _record(update: Update, context: ContextTypes.DEFAULT_TYPE, scheme: str, answered: Answers, key: str,
                  value: int | bool | Decimal | None) -> str | int:
    """Keep an answer if the household still makes sense with it; otherwise say why and ask again."""
    candidate = {**answered, key: _stored(value)}
    try:
        household_of(candidate)
    except EligibilityError as error:
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, scheme, answered)
    answered[key] = candidate[key]
    return await _ask_next(update, context, scheme, answered)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`a:check:<scheme>`: a fresh pre-check (pressing it again mid-way starts over)."""
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    scheme = (query.data or "").removeprefix("a:check:") if query else ""
    if scheme not in SCHEMES or context.user_data is None:
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    answered: Answers = {}
    context.user_data[ANSWERS_KEY] = {"scheme": scheme, "answers": answered}
    await send_text(update, t("ans_elig_intro", register, name=plain(f"ans_scheme_{scheme}", register)))
    return await _ask_next(update, context, scheme, answered)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    state = _state(context)
    if state is None:  # the stored answers are gone (e.g. /forget): this is ordinary free text again
        await free_text.on_text(update, context)
        return ConversationHandler.END
    scheme, answered = state
    key = _pending(scheme, answered)
    if key is None:
        return await _finish(update, context, scheme, answered)
    try:
        value = parse_answer(key, text_of(update))
    except EligibilityError as error:
        if await left_for_topic(update, context):
            if context.user_data is not None:
                context.user_data.pop(ANSWERS_KEY, None)
            return ConversationHandler.END
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, scheme, answered)
    return await _record(update, context, scheme, answered, key, value)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    state = _state(context)
    if state is None:
        register = register_of(context)
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    scheme, answered = state
    key = _pending(scheme, answered)
    if key is None:
        return await _finish(update, context, scheme, answered)
    valid, value = button_answer(query.data or "" if query else "", PREFIX, key)
    if not valid:
        log.info("stale or forged pre-check button (update %s)", update.update_id)
        await send_text(update, t("ans_stale_question", register_of(context)))
        return await _ask_next(update, context, scheme, answered)
    return await _record(update, context, scheme, answered, key, value)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await stopped(update, context, ANSWERS_KEY)


CONVERSATION = ConversationHandler(
    entry_points=[CallbackQueryHandler(start, pattern=r"^a:check:[a-z_]{1,20}$")],
    states={
        ASK: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}:{CANCEL}$"),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel)],
    name="eligibility",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [CONVERSATION]
