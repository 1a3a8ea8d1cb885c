"""The "Δικαιούμαι;" pre-check (`a:check:<scheme>` under an answer): the scheme's questions one at a time, then an
indicative result. The rules, the question texts and the answer parsing are `knowledge.eligibility`'s; this module
only holds the conversation.

Answers live in `user_data[ANSWERS_KEY]` as JSON (amounts as strings), so a restart resumes mid-way and a bad
answer loses nothing: it gets a kind message and the same question again. Buttons carry the question they
answer (`e:<question>:y|n|u`), so a button from an earlier question is recognised as stale and changes nothing.

What the conversation memory (`bot.memory`) knows of the household is offered once for confirmation and, when
confirmed, not asked. A typed reply is read as the answer first («μόνο εγώ», «με ενοίκιο»); only a sure request
for another topic leaves, and then the answers stay as a draft, resumed by `e:resume`. The keyboards and the
confirmation are shared with "what can I get?" (`bot.handlers.asking`).
"""

from __future__ import annotations

import logging
from decimal import Decimal
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

from bot import memory
from bot.handlers import free_text, keeping
from bot.handlers.asking import (
    CANCEL,
    MEMORY,
    RESUME,
    button_answer,
    counter,
    is_more_button,
    left_for_topic,
    offer_known,
    send_question,
    stopped,
)
from bot.handlers.menu import main_menu_markup
from bot.ui import acknowledge, register_of, send_answer, send_text, text_of
from knowledge.eligibility import (
    SCHEMES,
    EligibilityError,
    Household,
    check,
    error_message,
    needed_questions,
    parse_answer,
    parse_yes_no,
    render_result,
)
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

ASK = "elig_ask"
ANSWERS_KEY = "eligibility"
PREFIX = "e"

Answers = dict[str, Any]


# ---- the pre-check -------------------------------------------------------------------------------
# The draft: {"scheme", "answers", "skipped": questions answered by a confirmed memory, "shown": the total first
# announced, "offer": what the memory knows while it waits for the citizen's confirmation}.


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any] | None:
    data = context.user_data.get(ANSWERS_KEY) if context.user_data is not None else None
    if not isinstance(data, dict) or data.get("scheme") not in SCHEMES or not isinstance(data.get("answers"), dict):
        return None
    return data


def questions_for(scheme: str, answered: Answers) -> list[str]:
    """The scheme's questions that apply: "single parent?" only when there are children (or we don't know yet)."""
    return [key for key in needed_questions(scheme) if not (key == "single_parent" and answered.get("minors") == 0)]


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


def known_answers(scheme: str, facts: memory.Facts) -> Answers:
    """The scheme's answers the conversation memory already holds (empty when they do not make a household)."""
    keys = set(needed_questions(scheme))
    known = facts.only(keys)
    if known.get("minors") == 0:
        known.pop("single_parent", None)
    try:
        household_of(known)
    except (EligibilityError, ValueError, ArithmeticError):
        return {}
    return known


async def _ask_next(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any]) -> str | int:
    scheme, answered = draft["scheme"], draft["answers"]
    key = _pending(scheme, answered)
    if key is None:
        return await _finish(update, context, scheme, answered)
    skipped = set(draft.get("skipped") or ())
    asked = [k for k in questions_for(scheme, answered) if k not in skipped]
    shown = int(draft.setdefault("shown", len(asked)))
    count = counter(register_of(context), asked.index(key) + 1, len(asked), shown)
    await send_question(update, context, PREFIX, key, count)
    return ASK


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, scheme: str, answered: Answers) -> int:
    register = register_of(context)
    result = check(scheme, household_of(answered))
    if context.user_data is not None:
        context.user_data.pop(ANSWERS_KEY, None)  # the result is shown: the draft is not kept
    await send_answer(update, context, render_result(result, register))
    await keeping.offer_keeping(update, context)  # the answers were confirmed or given: keep them for next time?
    return ConversationHandler.END


async def _record(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    draft: dict[str, Any],
    key: str,
    value: int | bool | Decimal | None,
) -> str | int:
    """Keep an answer if the household still makes sense with it; otherwise say why and ask again."""
    answered = draft["answers"]
    candidate = {**answered, key: _stored(value)}
    try:
        household_of(candidate)
    except EligibilityError as error:
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, draft)
    answered[key] = candidate[key]
    memory.remember(context.user_data, **{key: value})
    return await _ask_next(update, context, draft)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`a:check:<scheme>`: a fresh pre-check, with what the citizen already told us offered for confirmation."""
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    scheme = (query.data or "").removeprefix("a:check:") if query else ""
    if scheme not in SCHEMES or context.user_data is None:
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    draft: dict[str, Any] = {"scheme": scheme, "answers": {}}
    context.user_data[ANSWERS_KEY] = draft
    await send_text(update, t("ans_elig_intro", register, name=plain(f"ans_scheme_{scheme}", register)))
    known = known_answers(scheme, memory.recall(context.user_data))
    if known:
        draft["offer"] = known
        await offer_known(update, context, PREFIX, known)
        return ASK
    return await _ask_next(update, context, draft)


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`e:resume` (under "I kept your answers"): back to the question where the citizen left."""
    await acknowledge(update)
    draft = _draft(context)
    register = register_of(context)
    if draft is None:
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    await send_text(update, t("mem_resumed", register))
    if isinstance(draft.get("offer"), dict):
        await offer_known(update, context, PREFIX, draft["offer"])
        return ASK
    return await _ask_next(update, context, draft)


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], keep: bool) -> str | int:
    offer = draft.pop("offer", None) or {}
    if keep:
        memory.settle(context.user_data)
        draft["answers"].update(offer)
        draft["skipped"] = sorted(offer)
    return await _ask_next(update, context, draft)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    draft = _draft(context)
    if draft is None:  # the stored answers are gone (e.g. /forget): this is ordinary free text again
        await free_text.on_text(update, context)
        return ConversationHandler.END
    if isinstance(draft.get("offer"), dict):
        try:
            return await _confirm(update, context, draft, parse_yes_no(text_of(update)))
        except EligibilityError:
            if await left_for_topic(update, context, PREFIX):
                return ConversationHandler.END
            await offer_known(update, context, PREFIX, draft["offer"], again=True)
            return ASK
    key = _pending(draft["scheme"], draft["answers"])
    if key is None:
        return await _finish(update, context, draft["scheme"], draft["answers"])
    try:
        value = parse_answer(key, text_of(update))
    except EligibilityError as error:
        if await left_for_topic(update, context, PREFIX):
            return ConversationHandler.END
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, draft)
    return await _record(update, context, draft, key, value)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    draft = _draft(context)
    register = register_of(context)
    if draft is None:
        await send_text(update, t("stale_button", register), main_menu_markup(register))
        return ConversationHandler.END
    data = query.data or "" if query else ""
    if data.startswith(f"{PREFIX}:{MEMORY}:") and isinstance(draft.get("offer"), dict):
        return await _confirm(update, context, draft, data.endswith(":y"))
    key = _pending(draft["scheme"], draft["answers"])
    if key is None:
        return await _finish(update, context, draft["scheme"], draft["answers"])
    if is_more_button(data, PREFIX, key):
        await send_text(update, t("mem_type_number", register))
        return ASK
    valid, value = button_answer(data, PREFIX, key)
    if not valid or isinstance(draft.get("offer"), dict):
        log.info("stale or forged pre-check button (update %s)", update.update_id)
        await send_text(update, t("ans_stale_question", register))
        if isinstance(draft.get("offer"), dict):
            await offer_known(update, context, PREFIX, draft["offer"])
            return ASK
        return await _ask_next(update, context, draft)
    return await _record(update, context, draft, key, value)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await stopped(update, context, ANSWERS_KEY)


CONVERSATION = ConversationHandler(
    entry_points=[
        CallbackQueryHandler(start, pattern=r"^a:check:[a-z_]{1,20}$"),
        CallbackQueryHandler(resume, pattern=rf"^{PREFIX}:{RESUME}$"),
    ],
    states={
        ASK: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}:{CANCEL}$"),
            CallbackQueryHandler(resume, pattern=rf"^{PREFIX}:{RESUME}$"),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel)],
    name="eligibility",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [CONVERSATION]
