"""«🔊 Ακούστε»: a topic's easy-to-read answer as a Telegram voice message (Ogg/Opus).

An uploaded recording of the topic (the console's "Ηχογραφήσεις") is preferred; otherwise the synthetic Greek
voice (core/speech.py) reads the answer's text as the citizen sees it (knowledge/spoken.py), cached by the text's
hash, so a changed answer is read anew. A Romani recording, where a mediator uploaded one, gets its own
button.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.services import services_of
from bot.ui import acknowledge, register_of, send_text
from core.recordings import latest_recording
from core.speech import SpeechUnavailable, synthesize
from knowledge import answers
from knowledge.answer import Answer, Button
from knowledge.messages import plain, t
from knowledge.spoken import LISTEN_REGISTER, topic_text

log = logging.getLogger(__name__)


async def with_listen_buttons(context: ContextTypes.DEFAULT_TYPE, intent: str, answer: Answer) -> Answer:
    """The easy-to-read answer gets «🔊 Ακούστε» first (and the Romani recording's button, if there is one)."""
    if register_of(context) != LISTEN_REGISTER:
        return answer
    extra = [Button(plain("btn_listen", LISTEN_REGISTER), f"listen:{intent}")]
    async with services_of(context).db.session() as session:
        if await latest_recording(session, intent, "rom") is not None:
            extra.append(Button(plain("btn_listen_rom", LISTEN_REGISTER), f"listenrom:{intent}"))
    return replace(answer, buttons=(*extra, *answer.buttons))


async def on_listen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(update)
    register = register_of(context)
    kind, _, intent = (query.data or "").removeprefix("a:").partition(":") if query else ("", "", "")
    chat = update.effective_chat
    if chat is None or intent not in answers.topics():
        await send_text(update, t("stale_button", register))
        return
    with suppress(TelegramError):  # only a courtesy
        await chat.send_chat_action(ChatAction.RECORD_VOICE)
    async with services_of(context).db.session() as session:
        recording = await latest_recording(session, intent, "rom" if kind == "listenrom" else LISTEN_REGISTER)
    if recording is not None:
        content, duration = recording.content, recording.duration_s
    elif kind == "listenrom":
        await send_text(update, t("listen_unavailable", register))
        return
    else:
        try:
            voice = await synthesize(topic_text(intent), services_of(context).settings.data_dir / "voice-cache")
        except SpeechUnavailable as exc:
            log.warning("no voice for a topic: %s", exc)
            await send_text(update, t("listen_unavailable", register))
            return
        content, duration = voice.content, voice.duration_s
    await chat.send_voice(
        voice=content,
        duration=max(1, round(duration)),
        caption=plain("listen_caption", register, topic=plain(f"topic_{intent}", register)),
    )


HANDLERS: list[BaseHandler[Update, Any, Any]] = [
    CallbackQueryHandler(on_listen, pattern=r"^a:(listen|listenrom):[a-z_]{1,40}$"),
]
