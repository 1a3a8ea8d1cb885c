""" "What can I get?" (the ask_entitlements intent, or its topic button): a few yes/no questions about the
household, then the programmes worth a look, each one tap from its answer.

The questions, their order and the ranking are `knowledge.entitlements`'; answers are typed or tapped
(`w:<question>:y|n|u`) and kept in `user_data[ANSWERS_KEY]` until the suggestions are shown. What the conversation
memory knows (children, work, rent — «είμαι άνεργη με 2 παιδιά») is offered once for confirmation and then not
asked; a typed reply is read as the answer first, and leaving for another topic keeps the answers (`w:resume`).
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

from bot import memory
from bot.handlers import free_text, keeping
from bot.handlers.asking import (
    CANCEL,
    MEMORY,
    RESUME,
    button_answer,
    counter,
    left_for_topic,
    offer_known,
    send_question,
    stopped,
)
from bot.nlu_access import IntentFilter, cached_parse
from bot.ui import acknowledge, register_of, send_answer, send_text, text_of
from knowledge import answers
from knowledge.eligibility import EligibilityError, Household, error_message, parse_answer, parse_yes_no
from knowledge.entitlements import ENTITLEMENT_QUESTIONS, Situation, render_suggestions, suggest
from knowledge.messages import plain, t

log = logging.getLogger(__name__)

ASK = "ent_ask"
ANSWERS_KEY = "entitlements"
# Beside the answers: {"offer": what the memory knows, awaiting confirmation; "skipped": questions it answered;
# "shown": how many questions the introduction announced}.
MEMO_KEY = "entitlements_memo"
PREFIX = "w"
LIST = "list"


def _answers(context: ContextTypes.DEFAULT_TYPE) -> dict[str, bool | None] | None:
    data = context.user_data.get(ANSWERS_KEY) if context.user_data is not None else None
    if not isinstance(data, dict) or not set(data) <= set(ENTITLEMENT_QUESTIONS):
        return None
    return data


def _memo(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.user_data if context.user_data is not None else {}
    memo = data.get(MEMO_KEY)
    if not isinstance(memo, dict):
        memo = {}
        data[MEMO_KEY] = memo
    return memo


def _offer(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any] | None:
    offer = _memo(context).get("offer")
    return offer if isinstance(offer, dict) else None


def _drop(context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.user_data is not None:
        context.user_data.pop(ANSWERS_KEY, None)
        context.user_data.pop(MEMO_KEY, None)


# Which remembered fact answers which question.
ANSWER_FACTS = {"has_children_under_18": "minors", "unemployed": "unemployed", "renting": "rents_home"}


def known_answers(facts: memory.Facts) -> tuple[dict[str, bool], dict[str, Any]]:
    """(answers, the facts they come from) that the conversation memory gives to the questions."""
    found: dict[str, bool] = {}
    if facts.has("minors"):
        found["has_children_under_18"] = int(facts.get("minors")) > 0
    if facts.has("unemployed"):
        found["unemployed"] = bool(facts.get("unemployed"))
    if facts.has("rents_home"):
        found["renting"] = bool(facts.get("rents_home"))
    return found, facts.only(ANSWER_FACTS.values())


async def _noted_other_answers(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]
) -> bool:
    """A message that is not a yes or no but states what answers questions still to come (or this one): «με
    ενοίκιο», "I have 2 kids" — the answers are taken and said back, and the questions go on without asking them.
    False when the message states nothing new for these questions."""
    message = update.effective_message
    parse = cached_parse(message) if message is not None else None
    if parse is None:
        return False
    found, facts = known_answers(memory.Facts(memory.states_facts(parse)))
    new = {key: value for key, value in found.items() if key not in answered}
    if not new:
        return False
    # Questions answered before their turn are not numbered (the one on screen already was).
    current = _pending(answered)
    memo = _memo(context)
    memo["skipped"] = sorted({*(memo.get("skipped") or ()), *(key for key in new if key != current)})
    answered.update(new)
    for key, value in new.items():
        _remember(context, key, value)
    said = {fact: facts[fact] for key, fact in ANSWER_FACTS.items() if key in new and fact in facts}
    await send_text(update, t("mem_noted", register_of(context), facts=memory.bullet_lines(said, register_of(context))))
    return True


def _remember(context: ContextTypes.DEFAULT_TYPE, key: str, value: bool | None) -> None:
    if value is None:
        return
    if key == "has_children_under_18" and value is False:
        memory.remember(context.user_data, minors=0)
    elif key == "unemployed":
        memory.remember(context.user_data, unemployed=value)
    elif key == "renting":
        memory.remember(context.user_data, rents_home=value)


def _pending(answered: dict[str, bool | None]) -> str | None:
    return next((key for key in ENTITLEMENT_QUESTIONS if key not in answered), None)


async def _ask_next(update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]) -> str | int:
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    register = register_of(context)
    memo = _memo(context)
    skipped = set(memo.get("skipped") or ())
    asked = [k for k in ENTITLEMENT_QUESTIONS if k not in skipped]
    n, total = asked.index(key) + 1, len(asked)
    shown = int(memo.setdefault("shown", total))  # as the introduction announced it
    extra = [(plain("ans_btn_all_programmes", register), f"{PREFIX}:{LIST}")] if n == 1 else None
    await send_question(update, context, PREFIX, key, counter(register, n, total, shown), extra=extra)
    return ASK


def _household(facts: memory.Facts) -> Household | None:
    """The household, when the memory knows it well enough to add its own signals to the suggestions."""
    if not facts.has("adults") or not facts.has("minors"):
        return None
    try:
        return Household(
            adults=int(facts.get("adults")),
            minors=int(facts.get("minors")),
            single_parent=bool(facts.get("single_parent")),
            rents_home=facts.get("rents_home"),
        )
    except (EligibilityError, ValueError):
        return None


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]) -> int:
    suggestions = suggest(Situation.from_answers(answered, _household(memory.recall(context.user_data))))
    _drop(context)  # the suggestions are shown: the draft is not kept
    await send_answer(update, context, render_suggestions(suggestions, register_of(context)))
    await keeping.offer_keeping(update, context)  # the answers were confirmed or given: keep them for next time?
    return ConversationHandler.END


async def _intro_then_ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None]
) -> str | int:
    remaining = sum(1 for key in ENTITLEMENT_QUESTIONS if key not in answered)
    await send_text(update, t("ans_ent_intro", register_of(context), count=remaining))
    return await _ask_next(update, context, answered)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    await acknowledge(update)
    answered: dict[str, bool | None] = {}
    if context.user_data is None:
        return ConversationHandler.END
    context.user_data[ANSWERS_KEY] = answered
    context.user_data[MEMO_KEY] = {}
    known, facts = known_answers(memory.recall(context.user_data))
    if known:
        _memo(context)["offer"] = known
        await offer_known(update, context, PREFIX, facts)
        return ASK
    return await _intro_then_ask(update, context, answered)


async def start_from_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """«τι δικαιούμαι;» typed. With answers already given (the questions are on screen, or were left), the text is
    read as the answer first — «κανένα» reads as this intent too — and otherwise the questions resume: a typed
    message never wipes answers."""
    answered = _answers(context)
    if not answered:
        return await start(update, context)
    key = _pending(answered)
    if key is not None and _offer(context) is None:
        try:
            value = parse_answer(key, text_of(update))
        except EligibilityError:
            pass
        else:
            return await _take(update, context, answered, key, value if isinstance(value, bool) else None)
    return await resume(update, context)


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`w:resume` (under "I kept your answers"): back to the question where the citizen left."""
    await acknowledge(update)
    answered = _answers(context)
    if answered is None:
        return await start(update, context)
    await send_text(update, t("mem_resumed", register_of(context)))
    if _offer(context) is not None:
        _known, facts = known_answers(memory.recall(context.user_data))
        await offer_known(update, context, PREFIX, facts)
        return ASK
    return await _ask_next(update, context, answered)


async def _confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None], keep: bool
) -> str | int:
    memo = _memo(context)
    offer = memo.pop("offer", None) or {}
    if keep:
        memory.settle(context.user_data)
        answered.update(offer)
        memo["skipped"] = sorted(offer)
    return await _intro_then_ask(update, context, answered)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    answered = _answers(context)
    if answered is None:  # the stored answers are gone (e.g. /forget): this is ordinary free text again
        await free_text.on_text(update, context)
        return ConversationHandler.END
    offer = _offer(context)
    if offer is not None:
        try:
            return await _confirm(update, context, answered, parse_yes_no(text_of(update)))
        except EligibilityError:
            if await left_for_topic(update, context, PREFIX):
                return ConversationHandler.END
            _known, facts = known_answers(memory.recall(context.user_data))
            await offer_known(update, context, PREFIX, facts or offer, again=True)
            return ASK
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    try:
        value = parse_answer(key, text_of(update))
    except EligibilityError as error:
        if await _noted_other_answers(update, context, answered):
            return await _ask_next(update, context, answered)
        if await left_for_topic(update, context, PREFIX):
            return ConversationHandler.END  # the answers stay as a draft, one tap from resuming
        await send_text(update, error_message(error.code, register_of(context)))
        return await _ask_next(update, context, answered)
    return await _take(update, context, answered, key, value if isinstance(value, bool) else None)


async def _take(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answered: dict[str, bool | None], key: str, value: bool | None
) -> str | int:
    answered[key] = value
    _remember(context, key, value)
    return await _ask_next(update, context, answered)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    await acknowledge(update)
    answered = _answers(context)
    if answered is None:
        return await stopped(update, context, ANSWERS_KEY, MEMO_KEY)
    data = query.data or "" if query else ""
    if data.startswith(f"{PREFIX}:{MEMORY}:") and _offer(context) is not None:
        return await _confirm(update, context, answered, data.endswith(":y"))
    key = _pending(answered)
    if key is None:
        return await _finish(update, context, answered)
    valid, value = button_answer(data, PREFIX, key)
    if not valid or _offer(context) is not None or (isinstance(value, int) and not isinstance(value, bool)):
        log.info("stale or forged entitlements button (update %s)", update.update_id)
        await send_text(update, t("ans_stale_question", register_of(context)))
        return await _ask_next(update, context, answered)
    answered[key] = value if isinstance(value, bool) else None
    _remember(context, key, answered[key])
    return await _ask_next(update, context, answered)


async def show_all(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """ "All programmes" instead of the questions: the topic answer with one button per programme."""
    await acknowledge(update)
    _drop(context)
    await send_answer(update, context, answers.render_topic("ask_entitlements", register_of(context)))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await stopped(update, context, ANSWERS_KEY, MEMO_KEY)


CONVERSATION = ConversationHandler(
    entry_points=[
        MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter("ask_entitlements"), start_from_text),
        CallbackQueryHandler(start, pattern=r"^a:topic:ask_entitlements$"),
        CallbackQueryHandler(resume, pattern=rf"^{PREFIX}:{RESUME}$"),
    ],
    states={
        ASK: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}:{CANCEL}$"),
            CallbackQueryHandler(show_all, pattern=rf"^{PREFIX}:{LIST}$"),
            CallbackQueryHandler(resume, pattern=rf"^{PREFIX}:{RESUME}$"),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
        ],
    },
    fallbacks=[CommandHandler("cancel", cancel)],
    name="entitlements",
    persistent=True,
    allow_reentry=True,
)

HANDLERS: list[BaseHandler[Update, Any, Any]] = [CONVERSATION]
