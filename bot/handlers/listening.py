"""The conversation memory's ears: every text message (in any flow, at any step) is read for what it tells about
the citizen (`bot.memory`). Runs in its own group after the emergency check, answers nothing and never stops the
update, so the flows see the message as before."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.memory import remember_message
from bot.nlu_access import understand

GROUP = -9


async def note_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parse = await understand(update, context)
    if parse is not None and parse.intent != "emergency":
        remember_message(context.user_data, parse)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [MessageHandler(filters.TEXT & ~filters.COMMAND, note_message)]
