"""/start and the choice of language and register (Ελληνικά, Απλά ελληνικά, English), remembered per citizen."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.handlers.menu import show_menu
from bot.services import KoinotitaApplication, services_of
from bot.ui import LANG_KEY, acknowledge, keyboard, send_text
from core.citizens import set_language
from knowledge.messages import plain, t

LANGUAGE_PATTERN = r"^l:(el|el-simple|en)$"


@lru_cache(maxsize=1)
def language_markup() -> InlineKeyboardMarkup:
    """Built once (the catalogue is read once; PTB's keyboards are immutable)."""
    return keyboard(
        [
            [(plain("lang_el"), "l:el")],
            [(plain("lang_simple"), "l:el-simple")],
            [(plain("lang_en"), "l:en")],
        ]
    )


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start is "from the beginning": a question some flow asked earlier no longer waits for an answer."""
    cast(KoinotitaApplication, context.application).end_flows(update)
    await send_text(update, t("welcome"), language_markup())


async def on_language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    await send_text(update, t("welcome"), language_markup())


async def on_language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    await acknowledge(update)
    language = query.data.split(":", 1)[1]
    services = services_of(context)
    async with services.db.write() as session:
        await set_language(session, telegram_id=user.id, language=language)
    if context.user_data is not None:
        context.user_data[LANG_KEY] = language
    await send_text(update, t("language_set", language))
    await show_menu(update, context)


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("start", on_start),
    CommandHandler("language", on_language_command),
    CallbackQueryHandler(on_language_command, pattern=r"^m:lang$"),
    CallbackQueryHandler(on_language_chosen, pattern=LANGUAGE_PATTERN),
]
