"""Files a citizen sent, kept with their request or conversation (core/models/media.py). The caller owns the
transaction; the content has been checked first (core/media.py)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from core.media import CheckedMedia
from core.models import utcnow
from core.models.media import Attachment

__all__ = ["attachment_with_content", "attachments_of_conversation", "attachments_of_intake", "store_attachment"]


async def store_attachment(
    session: AsyncSession,
    media: CheckedMedia,
    *,
    intake_id: int | None = None,
    conversation_id: int | None = None,
    message_id: int | None = None,
    citizen_id: int | None,
    telegram_chat_id: int | None,
    centre_id: str | None,
    now: datetime | None = None,
) -> Attachment:
    if (intake_id is None) == (conversation_id is None):
        raise ValueError("an attachment belongs to exactly one request or conversation")
    attachment = Attachment(
        intake_id=intake_id,
        conversation_id=conversation_id,
        message_id=message_id,
        citizen_id=citizen_id,
        telegram_chat_id=telegram_chat_id,
        centre_id=centre_id,
        kind=media.kind,
        mime=media.mime,
        size=len(media.content),
        sha256=hashlib.sha256(media.content).hexdigest(),
        duration_s=media.duration_s,
        width=media.width,
        height=media.height,
        content=media.content,
        created_at=now or utcnow(),
    )
    session.add(attachment)
    await session.flush()
    return attachment


async def attachments_of_intake(session: AsyncSession, intake_id: int) -> list[Attachment]:
    query = select(Attachment).where(Attachment.intake_id == intake_id).order_by(Attachment.id)
    return list((await session.scalars(query)).all())


async def attachments_of_conversation(session: AsyncSession, conversation_id: int) -> list[Attachment]:
    query = select(Attachment).where(Attachment.conversation_id == conversation_id).order_by(Attachment.id)
    return list((await session.scalars(query)).all())


async def attachment_with_content(session: AsyncSession, attachment_id: int) -> Attachment | None:
    found: Attachment | None = await session.scalar(
        select(Attachment).where(Attachment.id == attachment_id).options(undefer(Attachment.content))
    )
    return found
