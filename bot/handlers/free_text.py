"""Free text outside any conversation: understood by `nlu` and sent to the intent's answer or flow.
Below the confidence threshold the user gets the best guesses as buttons, plus a way to a person."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.handlers import centres, topics
from bot.handlers.menu import main_menu_markup
from bot.handlers.start import language_markup
from bot.nlu_access import understand
from bot.ui import keyboard, register_of, send_text, text_of
from knowledge import answers
from knowledge.messages import plain, t
from nlu.types import FALLBACK, Parse

# Intents whose answer is a short catalogue text followed by the menu.
_SIMPLE_REPLIES = {
    "greet": "greet_reply",
    "goodbye": "goodbye_reply",
    "thank": "thank_reply",
    "affirm": "ok_reply",
    "deny": "ok_reply",
    "out_of_scope": "out_of_scope_reply",
}
# Appointments, handoff, "what can I get?" and events are entered by their own flows (IntentFilter entry
# points), which are registered before this handler; the rest is answered here.


def _guess_button(intent: str, register: str) -> tuple[str, str] | None:
    """The button that leads to an intent's answer, for the intents the menu can reach."""
    if intent in answers.topics():
        return plain(f"topic_{intent}", register), f"a:topic:{intent}"
    menu_items = {"centre_info": ("btn_centre", "m:centre"), "inform_place": ("btn_centre", "m:centre"),
                  "emergency": ("btn_sos", "m:sos"), "help": ("btn_help", "m:help")}
    if intent in menu_items:
        key, data = menu_items[intent]
        return plain(key, register), data
    return None


async def _offer_guesses(update: Update, parse: Parse, register: str) -> None:
    rows: list[list[tuple[str, str]]] = []
    for intent, _score in parse.ranking:
        button = _guess_button(intent, register)
        if button is not None and [button] not in rows and len(rows) < 3:
            rows.append([button])
    rows.append([(plain("btn_person", register), "m:handoff")])
    rows.append([(plain("btn_menu", register), "m:menu")])
    await send_text(update, t("fallback_guesses", register), keyboard(rows))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    text = text_of(update)
    if not text.strip():
        await send_text(update, t("empty_text", register), main_menu_markup(register))
        return
    parse = await understand(update, context)
    intent = parse.intent if parse else FALLBACK
    if parse is None or intent == FALLBACK:
        if parse is not None and parse.ranking:
            await _offer_guesses(update, parse, register)
        else:
            await send_text(update, t("not_understood", register), main_menu_markup(register))
        return
    if intent in _SIMPLE_REPLIES:
        await send_text(update, t(_SIMPLE_REPLIES[intent], register), main_menu_markup(register))
    elif intent == "help":
        await send_text(update, t("help", register), main_menu_markup(register))
    elif intent == "change_language":
        await send_text(update, t("welcome"), language_markup())
    elif intent in ("centre_info", "inform_place"):
        await centres.route_or_ask(update, context, text)
    elif intent in answers.topics():
        await topics.show_topic(update, context, intent)
    else:
        await send_text(update, t("not_understood", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [MessageHandler(filters.TEXT & ~filters.COMMAND, on_text)]
