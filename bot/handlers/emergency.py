"""Emergency first: /sos, the 🆘 button and any message understood as an emergency get the helplines at once,
from any state, before any other handler runs (the earliest handler group). A conversation in progress keeps
its state for afterwards."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.nlu_access import understand
from bot.ui import acknowledge, register_of, send_answer
from knowledge.answers import render_emergency

GROUP = -10


async def send_helplines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    await send_answer(update, context, render_emergency(register_of(context)))
    raise ApplicationHandlerStop


async def check_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parse = await understand(update, context)
    if parse is not None and parse.intent == "emergency":
        await send_helplines(update, context)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("sos", send_helplines),
    CallbackQueryHandler(send_helplines, pattern=r"^m:sos$"),
    MessageHandler(filters.TEXT & ~filters.COMMAND, check_message),
]
