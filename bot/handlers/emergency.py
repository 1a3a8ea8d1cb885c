"""Emergency first: /sos, the 🆘 button and any message understood as an emergency get the helplines at once,
from any state, before any other handler runs (the earliest handler group). A conversation in progress keeps
its state for afterwards.

Where a flow waits for typed data (a name, a phone, a place, a number, a free description) only the curated danger
lexicon interrupts (`Parse.danger`); the classifier's guess of danger does not: "Ζωή Παπαδάκη" at the name step is
a name. Which steps wait for typed data is not listed anywhere by hand: a step does when one of its own handlers
would take the message (`waiting_for_typed_data`), so a new flow gets the rule without touching this module.

The answer puts the helplines that fit the danger first and adds safety advice
(knowledge.emergency_answer.render_emergency).
What the citizen typed is kept (masked, for an hour) so that «🚨 Επείγον» opens an urgent request with the danger
topic chosen and the text carried into it, shown to the citizen before anything is stored; the flow the emergency
interrupted is remembered and offered again afterwards (`offer_resume`, the `a:resume:<flow>` button); going back
asks the step's own question again, as it was last shown (bot/prompts.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.drafts import now_utc
from bot.nlu_access import understand
from bot.prompts import ask_again
from bot.services import KoinotitaApplication
from bot.ui import acknowledge, keyboard, register_of, send_answer, send_text
from core.pii import mask_pii
from knowledge.answer import Button
from knowledge.emergency_answer import render_emergency
from knowledge.messages import plain, t
from nlu.danger_topic import topic_of
from nlu.types import Parse

GROUP = -10
NOTE = "emergency_note"  # user_data: {"topic", "text" (masked), "at"}: what «🚨 Επείγον» carries into a request
INTERRUPTED = "interrupted_flow"  # user_data: {"flow", "state", "at"}: the flow an emergency interrupted
KEEP_FOR = timedelta(hours=1)
# Danger topic (nlu.emergency categories) -> the request categories an urgent request starts with.
_REQUEST_CATEGORIES = {"no_shelter": ["ask_housing"]}
# Where each flow keeps its draft in user_data: a flow whose draft is gone has finished and is not offered again.
_DRAFTS = {
    "booking": "booking",
    "mediator_booking": "mediator_booking",
    "intake": "intake",
    "eligibility": "eligibility",
}


def _app(context: ContextTypes.DEFAULT_TYPE) -> KoinotitaApplication:
    return cast(KoinotitaApplication, context.application)


def waiting_for_typed_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when a flow of this citizen is at a step whose own handlers would take this message as its answer."""
    app = _app(context)
    for name, state in app.flow_states(update).items():
        handler = app.conversation(name)
        steps = handler.states.get(state, []) if handler is not None else []
        if any(isinstance(h, MessageHandler) and h.check_update(update) for h in steps):
            return True
    return False


def _fresh(record: Any) -> dict[str, Any] | None:
    """A user_data record written less than `KEEP_FOR` ago, else None."""
    if not isinstance(record, dict) or not isinstance(record.get("at"), str):
        return None
    try:
        written = datetime.fromisoformat(record["at"])
    except ValueError:
        return None
    return record if now_utc() - written < KEEP_FOR else None


def _remember(update: Update, context: ContextTypes.DEFAULT_TYPE, parse: Parse | None, topic: str | None) -> None:
    data = context.user_data
    if data is None:
        return
    at = now_utc().isoformat()
    text = parse.text.strip() if parse is not None else ""
    if text:
        data[NOTE] = {"topic": topic, "text": mask_pii(text)[:4000], "at": at}
    else:
        data.pop(NOTE, None)  # /sos or the button: nothing typed to carry
    flows = _app(context).flow_states(update)
    for name, state in flows.items():
        if isinstance(state, str):
            data[INTERRUPTED] = {"flow": name, "state": state, "at": at}
            break


def _resume_button(context: ContextTypes.DEFAULT_TYPE) -> Button | None:
    record = _fresh((context.user_data or {}).get(INTERRUPTED))
    if record is None:
        return None
    flow = str(record["flow"])
    draft = _DRAFTS.get(flow)
    if draft is not None and draft not in (context.user_data or {}):
        return None
    register = register_of(context)
    label = plain("btn_resume_flow", register, flow=plain(f"flow_{flow}", register))
    return Button(label, f"resume:{flow}")


async def send_helplines(update: Update, context: ContextTypes.DEFAULT_TYPE, parse: Parse | None = None) -> None:
    await acknowledge(update)
    topic = (parse.danger or topic_of(parse.text)) if parse is not None else None
    _remember(update, context, parse, topic)
    resume = _resume_button(context)
    answer = render_emergency(register_of(context), topic=topic, extra_buttons=[resume] if resume else [])
    await send_answer(update, context, answer)
    raise ApplicationHandlerStop


async def on_sos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_helplines(update, context)


async def check_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parse = await understand(update, context)
    if parse is None or parse.intent != "emergency":
        return
    if parse.danger is None and waiting_for_typed_data(update, context):
        return  # the classifier's guess alone does not interrupt a name, a phone, a number or a description
    await send_helplines(update, context, parse)


# ---- afterwards: the urgent request, going back to the interrupted flow ---------------------------------------


def seed_urgent_request(context: ContextTypes.DEFAULT_TYPE, draft: dict[str, Any], categories: tuple[str, ...]) -> None:
    """An urgent request opened from the emergency answer starts with the danger topic chosen and the text the
    citizen typed (masked); the request shows the text before anything is stored, and nothing is stored without
    the request's own consent. The note is used once."""
    note = _fresh((context.user_data or {}).pop(NOTE, None)) if context.user_data is not None else None
    if note is None:
        return
    chosen = _REQUEST_CATEGORIES.get(str(note.get("topic")), ["safety"])
    draft["categories"] = [c for c in chosen if c in categories]
    if note.get("text"):
        draft["description"] = str(note["text"])
        draft["carried_text"] = True


def carried_text_prompt(draft: dict[str, Any], register: str) -> tuple[str, InlineKeyboardMarkup] | None:
    """At the description step of a request that carries typed text: the text and a way to keep it."""
    if not draft.get("carried_text") or not draft.get("description"):
        return None
    return (
        t("intake_description_carried", register, text=draft["description"]),
        keyboard([[(plain("btn_keep_text", register), "i:skip")]]),
    )


async def offer_resume(update: Update, context: ContextTypes.DEFAULT_TYPE, *, ending: str) -> bool:
    """After an urgent request: offer to go back to the flow the emergency interrupted, if it has not finished and
    no other flow waits for an answer (`ending`: the flow that is finishing now)."""
    if set(_app(context).flow_states(update)) - {ending}:
        return False
    button = _resume_button(context)
    if button is None:
        return False
    register = register_of(context)
    await send_text(update, t("resume_offer", register), keyboard([[(button.label, f"a:{button.action}")]]))
    return True


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    query = update.callback_query
    flow = (query.data or "").removeprefix("a:resume:") if query is not None else ""
    data = context.user_data if context.user_data is not None else {}
    record = _fresh(data.pop(INTERRUPTED, None))
    app = _app(context)
    if record is None or record.get("flow") != flow or _resume_button_gone(data, flow):
        from bot.handlers.menu import main_menu_markup

        await send_text(update, t("resume_gone", register), main_menu_markup(register))
        return
    state = str(record["state"])
    app.end_flows(update)
    if not app.resume_flow(update, flow, state):
        from bot.handlers.menu import main_menu_markup

        await send_text(update, t("resume_gone", register), main_menu_markup(register))
        return
    if not await ask_again(update, context, flow, state):  # the step's own question, as it was shown
        await send_text(update, t("resume_generic", register))


def _resume_button_gone(data: dict[str, Any], flow: str) -> bool:
    draft = _DRAFTS.get(flow)
    return draft is not None and draft not in data


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("sos", on_sos),
    CallbackQueryHandler(on_sos, pattern=r"^m:sos$"),
    MessageHandler(filters.TEXT & ~filters.COMMAND, check_message),
]
# Group 0, with the stand-alone handlers: going back to the interrupted flow.
RESUME_HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CallbackQueryHandler(on_resume, pattern=r"^a:resume:[a-z_]{2,30}$"),
]
