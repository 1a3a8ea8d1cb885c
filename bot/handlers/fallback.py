"""Whatever no other handler took: unknown commands, stale or forged buttons, stickers and photos.
Each gets a kind answer with the menu and changes nothing."""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.handlers.menu import main_menu_markup
from bot.ui import register_of, send_text
from knowledge.messages import plain, t

log = logging.getLogger(__name__)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    await send_text(update, t("unknown_command", register), main_menu_markup(register))


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    query = update.callback_query
    # The data may be forged: log only that it happened, never the data itself.
    log.info("unmatched callback query (update %s)", update.update_id)
    if query is not None:
        with suppress(TelegramError):  # an old query can no longer be answered
            await query.answer(plain("stale_button_alert", register))
    await send_text(update, t("stale_button", register), main_menu_markup(register))


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    register = register_of(context)
    await send_text(update, t("not_text", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    MessageHandler(filters.COMMAND, on_unknown_command),
    CallbackQueryHandler(on_stale_button),
    MessageHandler(filters.ALL & ~filters.TEXT & ~filters.LOCATION & ~filters.StatusUpdate.ALL, on_not_text),
]
