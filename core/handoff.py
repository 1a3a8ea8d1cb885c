"""Human handoff: a citizen's chat handed to the centre's staff (the staff inbox), and back to the bot.

While a conversation is open the bot stores what the citizen writes (masked, core.pii) and does not answer on its
own; staff replies go through the outbox (core.outbox), which the bot delivers. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import StaffUser, utcnow
from core.models.handoff import HandoffConversation, HandoffMessage, OutboxMessage
from core.pii import mask_pii
from core.scope import staff_sees_centre

__all__ = [
    "HandoffError",
    "close_conversation",
    "enqueue_staff_reply",
    "known_without_open_conversation",
    "messages_of",
    "note_chats_without_open_conversation",
    "open_conversation",
    "open_conversation_for_chat",
    "open_conversations_for_centre",
    "record_citizen_message",
]

MAX_TEXT = 4000  # Telegram's limit is 4096; the reply is wrapped in a short header


class HandoffError(ValueError):
    """The conversation cannot be changed as asked (closed, unknown, empty text)."""


_WITHOUT_OPEN = "koinotita_chats_without_open_handoff"  # session.info: chats known to have no open conversation


async def note_chats_without_open_conversation(session: AsyncSession, telegram_chat_ids: Iterable[int]) -> None:
    """For one transaction that asks `open_conversation_for_chat` about many chats (the bot's batch of steps): one
    query now, and no query later for a chat that has no open conversation. Only the bot opens conversations, each
    inside a step of that chat, and the caller holds these chats for the whole transaction (SQLite's write lock,
    PostgreSQL's per-chat lock), so the answer stays true until `open_conversation` changes it here."""
    chats = set(telegram_chat_ids)
    if not chats:
        return
    query = select(HandoffConversation.telegram_chat_id).where(
        HandoffConversation.telegram_chat_id.in_(sorted(chats)), HandoffConversation.status == "open"
    )
    session.info[_WITHOUT_OPEN] = chats - set((await session.execute(query)).scalars().all())


def known_without_open_conversation(session: AsyncSession | None, telegram_chat_id: int) -> bool:
    """True when this transaction already knows the chat has no open conversation (see
    `note_chats_without_open_conversation`): the caller need not even open a block to ask."""
    return session is not None and telegram_chat_id in session.info.get(_WITHOUT_OPEN, ())


async def open_conversation_for_chat(session: AsyncSession, telegram_chat_id: int) -> HandoffConversation | None:
    if telegram_chat_id in session.info.get(_WITHOUT_OPEN, ()):
        return None
    query = (
        select(HandoffConversation)
        .where(HandoffConversation.telegram_chat_id == telegram_chat_id, HandoffConversation.status == "open")
        .order_by(HandoffConversation.id.desc())
        .limit(1)
    )
    found: HandoffConversation | None = await session.scalar(query)
    return found


async def open_conversation(
    session: AsyncSession,
    *,
    telegram_chat_id: int,
    citizen_id: int | None,
    centre_id: str | None,
    language: str | None,
    intake_id: int | None = None,
    now: datetime | None = None,
) -> HandoffConversation:
    """Put the chat in the centre's inbox (centre_id None: the coordinator's); the open one if there is one."""
    existing = await open_conversation_for_chat(session, telegram_chat_id)
    if existing is not None:
        return existing
    now = now or utcnow()
    conversation = HandoffConversation(
        telegram_chat_id=telegram_chat_id,
        citizen_id=citizen_id,
        centre_id=centre_id,
        language=language,
        intake_id=intake_id,
        status="open",
        opened_at=now,
        last_message_at=now,
    )
    session.add(conversation)
    await session.flush()
    session.info.get(_WITHOUT_OPEN, set()).discard(telegram_chat_id)
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen_id) if citizen_id else None,
        action="create",
        record_kind="handoff_conversation",
        record_id=str(conversation.id),
        details={"centre_id": centre_id},
    )
    return conversation


async def record_citizen_message(
    session: AsyncSession,
    conversation: HandoffConversation,
    *,
    text: str | None = None,
    voice_file_id: str | None = None,
    now: datetime | None = None,
) -> HandoffMessage:
    """Store what the citizen wrote (personal numbers masked) or the file id of their voice note."""
    if conversation.status != "open":
        raise HandoffError("the conversation is closed")
    now = now or utcnow()
    message = HandoffMessage(
        conversation_id=conversation.id,
        sender="citizen",
        text=mask_pii(text[:MAX_TEXT]) if text else None,
        voice_file_id=voice_file_id,
        created_at=now,
    )
    conversation.last_message_at = now
    session.add(message)
    await session.flush()
    return message


async def _may_act(session: AsyncSession, staff: StaffUser, conversation: HandoffConversation) -> bool:
    return await staff_sees_centre(session, staff, conversation.centre_id)


async def _conversation_for_staff(
    session: AsyncSession, conversation_id: int, staff_user_id: int
) -> tuple[HandoffConversation, StaffUser]:
    conversation = await session.get(HandoffConversation, conversation_id)
    staff = await session.get(StaffUser, staff_user_id)
    if conversation is None or staff is None:
        raise HandoffError("no such conversation or staff account")
    if not await _may_act(session, staff, conversation):
        raise PermissionError("this conversation is not one the account may act on")
    return conversation, staff


async def enqueue_staff_reply(
    session: AsyncSession, conversation_id: int, *, staff_user_id: int, text: str, now: datetime | None = None
) -> OutboxMessage:
    """A staff member's reply: kept in the conversation and queued for the bot to deliver exactly once.

    HandoffError if the conversation is closed, has no chat or the text is empty; PermissionError for a staff
    member of another centre. The text is stored and sent with personal numbers masked.
    """
    text = (text or "").strip()
    if not text:
        raise HandoffError("text: empty")
    if len(text) > MAX_TEXT:
        raise HandoffError(f"text: at most {MAX_TEXT} characters")
    conversation, staff = await _conversation_for_staff(session, conversation_id, staff_user_id)
    if conversation.status != "open" or conversation.telegram_chat_id is None:
        raise HandoffError("the conversation is closed")
    now = now or utcnow()
    masked = mask_pii(text)
    outbox = OutboxMessage(
        conversation_id=conversation.id,
        chat_id=conversation.telegram_chat_id,
        kind="staff_reply",
        text=masked,
        language=conversation.language,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(outbox)
    await session.flush()
    session.add(
        HandoffMessage(
            conversation_id=conversation.id,
            sender="staff",
            staff_user_id=staff.id,
            text=masked,
            created_at=now,
            outbox_message_id=outbox.id,
        )
    )
    conversation.last_message_at = now
    await session.flush()
    audit.record(
        session,
        actor_kind=staff.role,
        actor_id=str(staff.id),
        action="reply",
        record_kind="handoff_conversation",
        record_id=str(conversation.id),
    )
    return outbox


async def close_conversation(
    session: AsyncSession,
    conversation_id: int,
    *,
    staff_user_id: int | None = None,
    closed_by: str = "staff",
    now: datetime | None = None,
) -> HandoffConversation:
    """Hand the chat back to the bot. Closed by staff, the citizen is told (through the outbox, after any reply
    still queued); closed by the citizen (`closed_by="citizen"`, no staff id) the bot tells them itself."""
    now = now or utcnow()
    actor_id: str | None
    if closed_by == "staff":
        if staff_user_id is None:
            raise HandoffError("staff_user_id: needed when staff close a conversation")
        conversation, staff = await _conversation_for_staff(session, conversation_id, staff_user_id)
        actor_kind, actor_id = staff.role, str(staff.id)
    else:
        found = await session.get(HandoffConversation, conversation_id)
        if found is None:
            raise HandoffError("no such conversation")
        conversation = found
        actor_kind = "citizen"
        actor_id = str(conversation.citizen_id) if conversation.citizen_id else None
    if conversation.status == "closed":
        return conversation
    conversation.status = "closed"
    conversation.closed_at = now
    conversation.closed_by = closed_by
    conversation.closed_by_staff_id = staff_user_id
    if closed_by == "staff" and conversation.telegram_chat_id is not None:
        session.add(
            OutboxMessage(
                conversation_id=conversation.id,
                chat_id=conversation.telegram_chat_id,
                kind="handoff_closed",
                text=None,
                language=conversation.language,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    await session.flush()
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="close",
        record_kind="handoff_conversation",
        record_id=str(conversation.id),
    )
    return conversation


async def open_conversations_for_centre(
    session: AsyncSession, centre_id: str | None, *, limit: int = 50, offset: int = 0
) -> list[HandoffConversation]:
    """The centre's live inbox (centre_id None: conversations no centre serves), most recent activity first."""
    query = select(HandoffConversation).where(HandoffConversation.status == "open")
    query = query.where(
        HandoffConversation.centre_id.is_(None) if centre_id is None else HandoffConversation.centre_id == centre_id
    )
    query = query.order_by(HandoffConversation.last_message_at.desc(), HandoffConversation.id.desc())
    return list((await session.scalars(query.limit(limit).offset(offset))).all())


async def messages_of(session: AsyncSession, conversation_id: int) -> list[HandoffMessage]:
    query = select(HandoffMessage).where(HandoffMessage.conversation_id == conversation_id).order_by(HandoffMessage.id)
    return list((await session.scalars(query)).all())
