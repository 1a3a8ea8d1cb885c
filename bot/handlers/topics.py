"""Programme answers: the topics list, a topic, a programme, its documents checklist.

A topic is reached by free text (free_text.py, through NLU) or by a `a:topic:<intent>` button. Two topics are
more than a text: ask_events lists events from the database (events.py) and ask_entitlements asks a few
questions first (entitlements.py, whose conversation takes its button and intent before this module sees them).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import memory
from bot.handlers import events, listen
from bot.handlers.menu import main_menu_markup
from bot.ui import acknowledge, keyboard, register_of, send_answer, send_text
from knowledge import answer_parts, answers
from knowledge.messages import plain, t


async def show_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    rows = [[(plain(f"topic_{intent}", register), f"a:topic:{intent}")] for intent in answers.topics()]
    rows.append([(plain("btn_menu", register), "m:menu")])
    await send_text(update, t("topics_title", register), keyboard(rows))


async def show_topic(update: Update, context: ContextTypes.DEFAULT_TYPE, intent: str) -> None:
    if intent not in memory.NOT_A_TOPIC:
        memory.remember(context.user_data, topic=intent)  # an appointment booked next is about this
    if intent == "ask_events":
        await events.show_events(update, context)
        return
    answer = answers.render_topic(intent, register_of(context))
    await send_answer(update, context, await listen.with_listen_buttons(context, intent, answer))


async def on_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`a:topic:<intent>`, `a:prog:<id>` (the whole programme: «more»), `a:docs:<id>`, `a:how:<id>` (how to
    apply), `a:cat:<id>` (which income category) — anything unknown is treated as a stale button."""
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    kind, _, ident = (query.data or "").removeprefix("a:").partition(":") if query else ("", "", "")
    try:
        if kind == "topic" and ident in answers.topics():
            await show_topic(update, context, ident)
            return
        if kind == "prog":
            await send_answer(update, context, answers.render_programme(ident, register))
            return
        if kind == "docs":
            await send_answer(update, context, answers.render_documents(ident, register))
            return
        if kind == "how":
            await send_answer(update, context, answer_parts.render_how(ident, register))
            return
        if kind == "cat":
            await send_answer(update, context, answer_parts.render_categories(ident, register))
            return
    except KeyError:
        pass  # an id that does not exist (forged or from an old version): answered below
    await send_text(update, t("stale_button", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CallbackQueryHandler(show_topics, pattern=r"^m:topics$"),
    # ask_entitlements' button belongs to the "what can I get?" conversation (entitlements.py), wherever it is
    # registered.
    CallbackQueryHandler(
        on_action, pattern=r"^a:(?!topic:ask_entitlements$)(topic|prog|docs|how|cat):[a-z0-9_-]{1,40}$"
    ),
]
