"""Small helpers shared by handlers: the user's register, keyboards, sending answers.

Callback data are short opaque ids (Telegram allows 64 bytes): `l:<lang>` language, `m:<item>` menu,
`c:<centre_id>` a centre, `a:<action>` a knowledge button action (see knowledge/answer.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.step_bot import record_html_message, record_venue
from knowledge.answer import Answer, Button
from knowledge.messages import plain, t

DEFAULT_REGISTER = "el"
LANG_KEY = "lang"
CALLBACK_LIMIT = 64
# Knowledge button actions the bot can act on today; buttons for anything else are not shown (the menu shows
# only what works). Extended as flows land.
AVAILABLE_ACTIONS: tuple[str, ...] = (
    "topic:",
    "prog:",
    "docs:",
    "centre",
    "menu",
    "check:",
    "handoff",
    "urgent",
    "book",
    "how:",
    "cat:",
    "resume:",
    "listen:",
    "listenrom:",
)


def action_available(action: str) -> bool:
    return any(action == a or (a.endswith(":") and action.startswith(a)) for a in AVAILABLE_ACTIONS)


def register_of(context: ContextTypes.DEFAULT_TYPE) -> str:
    data = context.user_data
    value = data.get(LANG_KEY) if data is not None else None
    return value if isinstance(value, str) else DEFAULT_REGISTER


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data)."""
    for row in rows:
        for _label, data in row:
            if len(data.encode()) > CALLBACK_LIMIT:
                raise ValueError(f"callback data too long: {data!r}")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def answer_keyboard(buttons: Sequence[Button], register: str, *, with_menu: bool = True) -> InlineKeyboardMarkup:
    """An answer's buttons (the menu last). Built once per set of buttons: answers come from the knowledge base,
    read once, and PTB's keyboards are immutable (bot/step_bot.py then works out its JSON once too)."""
    return _answer_keyboard(tuple(buttons), register, with_menu)


@lru_cache(maxsize=1024)
def _answer_keyboard(buttons: tuple[Button, ...], register: str, with_menu: bool) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        if not button.url and not action_available(button.action):
            continue
        if button.url:
            rows.append([InlineKeyboardButton(button.label, url=button.url)])
        else:
            rows.append([InlineKeyboardButton(button.label, callback_data=f"a:{button.action}"[:CALLBACK_LIMIT])])
    if with_menu:
        rows.append([InlineKeyboardButton(plain("btn_menu", register), callback_data="m:menu")])
    return InlineKeyboardMarkup(rows)


async def send_text(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
    **kwargs: Any,
) -> None:
    """Send HTML without a link preview to the update's chat; in a step, recorded directly (bot/step_bot.py)."""
    chat = update.effective_chat
    if chat is None:
        return
    if not kwargs and record_html_message(chat.id, text, markup):
        return
    await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True, **kwargs
    )


async def send_venue(update: Update, *, latitude: float, longitude: float, title: str, address: str) -> None:
    """Send a pin to the update's chat; in a step, recorded directly (bot/step_bot.py)."""
    chat = update.effective_chat
    if chat is None:
        return
    if record_venue(chat.id, latitude=latitude, longitude=longitude, title=title, address=address):
        return
    await chat.send_venue(latitude=latitude, longitude=longitude, title=title, address=address)


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    """Every part in order; the buttons go under the last part so the next step is one tap away."""
    register = register_of(context)
    for i, part in enumerate(answer.parts):
        last = i == len(answer.parts) - 1
        await send_text(update, part, answer_keyboard(answer.buttons, register) if last else None)


def text_of(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message else ""


async def acknowledge(update: Update) -> None:
    """Stop the button's spinner; a query that is too old to answer is not an error for the user."""
    if update.callback_query is not None:
        with suppress(TelegramError):  # an old query can no longer be answered
            await update.callback_query.answer()


__all__ = [
    "acknowledge",
    "answer_keyboard",
    "keyboard",
    "register_of",
    "send_answer",
    "send_text",
    "send_venue",
    "t",
    "text_of",
]
