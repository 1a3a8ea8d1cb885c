"""What a live page shows, computed within the viewer's scope: unread conversations, a conversation's new messages
and delivery statuses, the queue's rows. Shared by the pages (first render) and the live streams (updates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEvent, StaffUser
from core.models.handoff import HandoffConversation, HandoffMessage, OutboxMessage
from staff_console.access import Viewer


def _scoped_open(viewer: Viewer) -> list[object]:
    conditions: list[object] = [HandoffConversation.status == "open"]
    if viewer.centre_ids is not None:
        conditions.append(HandoffConversation.centre_id.in_(sorted(viewer.centre_ids)))
    return conditions


async def unread_conversations(session: AsyncSession, viewer: Viewer, *, exclude: int | None = None) -> int:
    """Open conversations in scope with a citizen message newer than this viewer's last look (view or reply)."""
    if not viewer.may("conversations.list"):
        return 0
    latest: dict[int, datetime] = {
        cid: at
        for cid, at in (
            await session.execute(
                select(HandoffMessage.conversation_id, func.max(HandoffMessage.created_at))
                .join(HandoffConversation, HandoffConversation.id == HandoffMessage.conversation_id)
                .where(HandoffMessage.sender == "citizen", *_scoped_open(viewer))  # type: ignore[arg-type]
                .group_by(HandoffMessage.conversation_id)
            )
        ).all()
    }
    if exclude is not None:
        latest.pop(exclude, None)
    if not latest:
        return 0
    seen: dict[str | None, datetime] = {
        rid: at
        for rid, at in (
            await session.execute(
                select(AuditEvent.record_id, func.max(AuditEvent.at))
                .where(
                    AuditEvent.record_kind == "handoff_conversation",
                    AuditEvent.record_id.in_([str(c) for c in latest]),
                    AuditEvent.actor_id == viewer.actor,
                    AuditEvent.action.in_(("view", "reply")),
                )
                .group_by(AuditEvent.record_id)
            )
        ).all()
    }
    return sum(1 for cid, at in latest.items() if (seen.get(str(cid)) is None or seen[str(cid)] < at))


async def deliveries_of(session: AsyncSession, messages: Sequence[HandoffMessage]) -> dict[int, str]:
    """message id -> outbox status (pending / sending / sent / failed) for the staff messages given."""
    by_outbox = {m.outbox_message_id: m.id for m in messages if m.outbox_message_id}
    if not by_outbox:
        return {}
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(list(by_outbox)))
    )
    return {by_outbox[oid]: status for oid, status in rows.all()}


async def staff_names(session: AsyncSession, messages: Sequence[HandoffMessage]) -> dict[int, str]:
    ids = {m.staff_user_id for m in messages if m.staff_user_id}
    if not ids:
        return {}
    rows = await session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids)))
    return {uid: name for uid, name in rows.all()}


@dataclass
class ConversationState:
    last_id: int
    deliveries: dict[int, str] = field(default_factory=dict)
    status: str = "open"
