"""The error handler: a kind answer to the user, a log line with no personal data."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.ext import ContextTypes

from bot.ui import register_of, send_text
from knowledge.messages import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # The exception type and where it happened; never the message text, names or phone numbers.
    # The traceback's frames but not the exception's message, which may quote what the user typed.
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("error while handling update %s: %s\n%s", update_id, type(error).__name__, frames)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await send_text(update, t("error", register_of(context)))
        except Exception:
            log.warning("could not tell the user about an error (update %s)", update_id)
