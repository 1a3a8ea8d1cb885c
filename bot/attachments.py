"""Files citizens send (voice notes, photos, PDFs): taken from a Telegram message, downloaded, checked by content
(core/media.py) and — only after consent — stored with a request or a conversation (core/attachments.py).

Until it is stored, a file is only a reference (Telegram's file id) in the flow's draft or in `pending_media`;
its content is downloaded again when it is stored, and checked again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.ui import register_of, send_text
from core.attachments import store_attachment
from core.media import MAX_BYTES, CheckedMedia, MediaRefused, check_media
from knowledge.messages import t

log = logging.getLogger(__name__)

PENDING = "pending_media"  # user_data key: files sent outside a flow, waiting for the citizen's choice
MAX_PER_RECORD = 5
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what a bot may download through getFile


@dataclass(frozen=True)
class IncomingFile:
    kind: str | None  # voice | photo | pdf by what the message claims; None: a kind we do not keep
    file_id: str
    size: int | None

    def ref(self) -> dict[str, Any]:
        return {"kind": self.kind, "file_id": self.file_id}


def incoming_file(message: Message | None) -> IncomingFile | None:
    """The file a message carries, if any (the largest size of a photo)."""
    if message is None:
        return None
    if message.voice is not None:
        return IncomingFile("voice", message.voice.file_id, message.voice.file_size)
    if message.photo:
        biggest = message.photo[-1]
        return IncomingFile("photo", biggest.file_id, biggest.file_size)
    if message.document is not None:
        mime = (message.document.mime_type or "").lower()
        kind = "pdf" if mime == "application/pdf" else "photo" if mime in ("image/jpeg", "image/png") else None
        return IncomingFile(kind, message.document.file_id, message.document.file_size)
    if message.audio is not None or message.video is not None or message.video_note is not None:
        file = message.audio or message.video or message.video_note
        assert file is not None
        return IncomingFile(None, file.file_id, file.file_size)
    return None


async def download_checked(
    context: ContextTypes.DEFAULT_TYPE, kind: str | None, file_id: str, size: int | None = None
) -> CheckedMedia:
    """Download and check the file; MediaRefused (with a reason) when it may not be kept."""
    if kind is None:
        raise MediaRefused("wrong_type")
    if size is not None and size > min(MAX_BYTES[kind], TELEGRAM_DOWNLOAD_LIMIT):
        raise MediaRefused("too_large")  # refused before a byte is downloaded
    try:
        file = await context.bot.get_file(file_id)
        if file.file_size is not None and file.file_size > MAX_BYTES[kind]:
            raise MediaRefused("too_large")
        content = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("a file could not be downloaded (%s)", type(exc).__name__)
        raise MediaRefused("unavailable") from exc
    return check_media(content, expected=kind)


async def check_incoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> IncomingFile | None:
    """Check the file of this message; on refusal the citizen is told why (kindly) and None is returned."""
    incoming = incoming_file(update.effective_message)
    if incoming is None:
        return None
    try:
        await download_checked(context, incoming.kind, incoming.file_id, incoming.size)
    except MediaRefused as refused:
        log.info("a file was refused (%s)", refused.reason)
        await send_text(update, t(f"media_refused_{refused.reason}", register_of(context)))
        return None
    return incoming


async def fetch_refs(context: ContextTypes.DEFAULT_TYPE, refs: list[dict[str, Any]]) -> list[CheckedMedia]:
    """Download and check the referenced files again, before they are stored (outside any transaction). A file
    that can no longer be downloaded or checked is left out."""
    out: list[CheckedMedia] = []
    for ref in refs[:MAX_PER_RECORD]:
        try:
            out.append(await download_checked(context, ref.get("kind"), str(ref.get("file_id"))))
        except MediaRefused as refused:
            log.warning("a kept file could not be stored (%s)", refused.reason)
    return out


async def store_all(session: AsyncSession, files: list[CheckedMedia], **owner: Any) -> None:
    """Store checked files with their owner: intake_id= or conversation_id= (+ message_id=), citizen_id=,
    telegram_chat_id=, centre_id=. The caller owns the transaction."""
    for media in files:
        await store_attachment(session, media, **owner)


def take_pending(context: ContextTypes.DEFAULT_TYPE) -> list[dict[str, Any]]:
    """The files sent outside a flow, handed to the flow the citizen chose (and no longer pending)."""
    data = context.user_data
    pending = data.pop(PENDING, None) if data is not None else None
    return [r for r in pending if isinstance(r, dict)] if isinstance(pending, list) else []
