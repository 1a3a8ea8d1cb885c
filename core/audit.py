"""Recording audit events. The caller owns the transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEvent


def record(
    session: AsyncSession,
    *,
    actor_kind: str,
    actor_id: str | None,
    action: str,
    record_kind: str,
    record_id: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        details=details or {},
    )
    session.add(event)
    return event
