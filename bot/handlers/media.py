"""A voice note, photo or document sent outside any flow: checked, then the citizen chooses with a button — send it
to the Centre as a request (the intake flow starts with the file in its draft), to a person (the handoff flow),
or not at all. Nothing is stored before the flow's consent; a refused file gets a kind answer and nothing is kept.
(Inside a request or an open conversation the flows take files themselves.)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.attachments import MAX_PER_RECORD, PENDING, check_incoming, take_pending
from bot.handlers.menu import main_menu_markup
from bot.ui import acknowledge, keyboard, register_of, send_text
from knowledge.messages import plain, t

FILES = filters.VOICE | filters.PHOTO | filters.Document.ALL | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE


async def on_loose_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    incoming = await check_incoming(update, context)
    if incoming is None or context.user_data is None:
        return
    pending = context.user_data.get(PENDING)
    refs = [r for r in pending if isinstance(r, dict)] if isinstance(pending, list) else []
    refs = [*refs, incoming.ref()][-MAX_PER_RECORD:]
    context.user_data[PENDING] = refs
    register = register_of(context)
    await send_text(
        update,
        t("media_what_to_do", register, count=len(refs)),
        keyboard(
            [
                [(plain("btn_media_to_centre", register), "fl:intake")],
                [(plain("btn_media_to_person", register), "fl:handoff")],
                [(plain("btn_media_drop", register), "fl:drop")],
            ]
        ),
    )


async def on_drop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await acknowledge(update)
    take_pending(context)
    register = register_of(context)
    await send_text(update, t("media_dropped", register), main_menu_markup(register))


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    MessageHandler(FILES, on_loose_file),
    CallbackQueryHandler(on_drop, pattern=r"^fl:drop$"),
]
