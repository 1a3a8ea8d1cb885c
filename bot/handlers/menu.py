"""The main menu and /help. The menu shows only what works."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services import KoinotitaApplication
from bot.ui import acknowledge, keyboard, register_of, send_text
from knowledge.messages import plain, t


@lru_cache(maxsize=16)
def main_menu_markup(register: str) -> InlineKeyboardMarkup:
    """Built once per register (the catalogue is read once; PTB's keyboards are immutable)."""
    rows = [
        [(plain("btn_topics", register), "m:topics")],
        [(plain("btn_book", register), "m:book"), (plain("btn_my_appointments", register), "m:appts")],
        [(plain("btn_intake", register), "m:intake"), (plain("btn_person", register), "m:handoff")],
        [(plain("btn_centre", register), "m:centre"), (plain("btn_news", register), "an:menu")],
        [(plain("btn_sos", register), "m:sos")],
        [(plain("btn_language", register), "m:lang"), (plain("btn_help", register), "m:help")],
        [(plain("btn_privacy", register), "m:privacy")],
    ]
    return keyboard(rows)


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE, text_key: str = "menu") -> None:
    register = register_of(context)
    await send_text(update, t(text_key, register), main_menu_markup(register))


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back to the menu: whatever flow was waiting for an answer is left (its draft is kept)."""
    await acknowledge(update)
    cast(KoinotitaApplication, context.application).end_flows(update)
    await show_menu(update, context)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    register = register_of(context)
    await send_text(update, t("help", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CommandHandler("menu", on_menu),
    CommandHandler("help", on_help),
    CallbackQueryHandler(on_menu, pattern=r"^m:menu$"),
    CallbackQueryHandler(on_help, pattern=r"^m:help$"),
]
