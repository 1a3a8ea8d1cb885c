"""Free text outside any conversation: understood by `nlu` and sent to the intent's answer (one table, `ANSWERS`).
Below the confidence threshold the user gets the best guesses as buttons, plus a way to a person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from nlu.romani import is_romani_greeting
from nlu.types import FALLBACK, Parse


def _guess_button(intent: str, register: str) -> tuple[str, str] | None:
    """The button that leads to an intent's answer, for the intents the menu can reach."""
    if intent in answers.topics():
        return plain(f"topic_{intent}", register), f"a:topic:{intent}"
    menu_items = {
        "centre_info": ("btn_centre", "m:centre"),
        "inform_place": ("btn_centre", "m:centre"),
        "emergency": ("btn_sos", "m:sos"),
        "help": ("btn_help", "m:help"),
    }
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


Answer = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[None]]


def _reply(key: str) -> Answer:
    """An answer that is a short catalogue text followed by the menu."""

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        register = register_of(context)
        await send_text(update, t(key, register), main_menu_markup(register))

    return answer


async def _greet(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A greeting back; a Romani greeting is answered warmly, with the greeting echoed in the script it came in."""
    register = register_of(context)
    if is_romani_greeting(text):
        script = "greek" if any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in text) else "latin"
        echo = plain(f"romani_greeting_{script}", register)
        await send_text(update, t("greet_reply_romani", register, greeting=echo), main_menu_markup(register))
        return
    await send_text(update, t("greet_reply", register), main_menu_markup(register))


async def _change_language(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    await send_text(update, t("welcome"), language_markup())


async def _centre(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    await centres.route_or_ask(update, context, text)


def _topic(intent: str) -> Answer:
    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        await topics.show_topic(update, context, intent)

    return answer


# Intent -> its answer. Intents entered by their own flows (FLOW_INTENTS) never get here; `emergency` is answered
# by the emergency group before anything else. tests/bot/test_free_text_dispatch.py checks that every intent of the
# training data (nlu.types.intents()) is either here or in FLOW_INTENTS.
ANSWERS: dict[str, Answer] = {
    "greet": _greet,
    "goodbye": _reply("goodbye_reply"),
    "thank": _reply("thank_reply"),
    "affirm": _reply("ok_reply"),
    "deny": _reply("ok_reply"),
    "out_of_scope": _reply("out_of_scope_reply"),
    "help": _reply("help"),
    "change_language": _change_language,
    "centre_info": _centre,
    "inform_place": _centre,
    **{intent: _topic(intent) for intent in answers.topics()},
}
# Entered from free text by their flows' IntentFilter entry points (registered before this handler).
FLOW_INTENTS = frozenset(
    {
        "book_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "my_appointments",
        "human_handoff",
        "ask_entitlements",
        "ask_events",
        "emergency",
    }
)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    text = text_of(update)
    if not text.strip():
        await send_text(update, t("empty_text", register), main_menu_markup(register))
        return
    parse = await understand(update, context)
    answer = ANSWERS.get(parse.intent) if parse is not None else None
    if parse is not None and answer is not None:
        await answer(update, context, text)
    elif parse is not None and parse.intent == FALLBACK and parse.ranking:
        await _offer_guesses(update, parse, register)
    else:
        await send_text(update, t("not_understood", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [MessageHandler(filters.TEXT & ~filters.COMMAND, on_text)]
