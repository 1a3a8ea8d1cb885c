"""Retention: what has outlived its period is deleted by the daily purge (`purge_expired`, bot/jobs.py). Open work
is never purged. The periods (`RETENTION`) are the project's defaults, pending the data controller's (the
municipality's) decision; docs/privacy.md explains each one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import BotState, Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation, OutboxMessage
from core.models.intake import Intake
from core.record_rows import delete_rows, dependants, schema_tables

__all__ = ["RETENTION", "purge_expired"]

RETENTION: dict[str, timedelta] = {
    "intake": timedelta(days=730),  # after the centre closed it
    "handoff": timedelta(days=180),  # after the conversation was closed: messages and the conversation
    "outbox": timedelta(days=30),  # a delivered (or given-up) reply's copy in the outbox
    "bot_state": timedelta(days=180),  # unfinished conversations and drafts, since last touched
    "citizen": timedelta(days=730),  # a citizen with nothing else stored, since last seen
    "audit": timedelta(days=1825),  # the audit log (no personal data in it) — five years
    "appointment": timedelta(days=730),  # after the appointment's time: the visit, its reminders
    "waitlist": timedelta(days=30),  # after the day someone waited for
}


async def purge_expired(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Delete what has outlived its retention period (RETENTION); returns how many rows of each kind went.
    Open work is never purged: an intake not closed, a conversation still open, a reply not yet delivered."""
    tables = schema_tables()
    deleted: dict[str, int] = {}
    counts: dict[str, int] = {}

    async def ids_of(query: Select[Any]) -> list[Any]:
        return list((await session.scalars(query)).all())

    async def purge(kind: str, table: Table, ids: list[Any]) -> None:
        before = sum(deleted.values())
        await delete_rows(session, table, ids, deleted)
        counts[kind] = sum(deleted.values()) - before

    cutoff = now - RETENTION["intake"]
    closed_intakes = select(Intake.id).where(
        Intake.status == "closed", Intake.closed_at.is_not(None), Intake.closed_at < cutoff
    )
    await purge("intake", tables["intake"], await ids_of(closed_intakes))
    cutoff = now - RETENTION["handoff"]
    closed = await ids_of(
        select(HandoffConversation.id).where(
            HandoffConversation.status == "closed", HandoffConversation.closed_at < cutoff
        )
    )
    if closed:
        # Undelivered replies of a long-closed chat are stale: they go with it.
        await session.execute(delete(OutboxMessage).where(OutboxMessage.conversation_id.in_(closed)))
    await purge("handoff", tables["handoff_conversation"], closed)
    cutoff = now - RETENTION["outbox"]
    done_messages = select(OutboxMessage.id).where(
        OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.created_at < cutoff
    )
    await purge("outbox", tables["outbox_message"], await ids_of(done_messages))
    cutoff = now - RETENTION["appointment"]
    await purge(
        "appointment", tables["appointment"], await ids_of(select(Appointment.id).where(Appointment.starts_at < cutoff))
    )
    cutoff_day = (now - RETENTION["waitlist"]).date()
    await purge(
        "waitlist",
        tables["waitlist_entry"],
        await ids_of(select(WaitlistEntry.id).where(WaitlistEntry.day < cutoff_day)),
    )
    cutoff = now - RETENTION["bot_state"]
    stale = (await session.scalars(select(BotState).where(BotState.updated_at < cutoff))).all()
    for row in stale:
        await session.delete(row)
    counts["bot_state"] = len(stale)
    cutoff = now - RETENTION["citizen"]
    candidates = await ids_of(select(Citizen.id).where(Citizen.last_seen_at < cutoff))
    idle: list[int] = []
    for citizen_id in candidates:
        holds_something = False
        for dependant, column, _nullable in dependants(tables["citizen"]):
            if (
                await session.execute(select(dependant.c[column]).where(dependant.c[column] == citizen_id).limit(1))
            ).first() is not None:
                holds_something = True
                break
        if not holds_something:
            idle.append(citizen_id)
    await purge("citizen", tables["citizen"], idle)
    cutoff = now - RETENTION["audit"]
    audit_events = tables["audit_event"]
    await purge("audit", audit_events, await ids_of(select(audit_events.c.id).where(audit_events.c.at < cutoff)))
    audit.record(
        session,
        actor_kind="system",
        actor_id="purge",
        action="purge",
        record_kind="retention",
        record_id=None,
        details=dict(counts),
    )
    return counts
