"""Recording audit events. The caller owns the transaction."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import AuditEvent

# Ids, never content: a number, a code or "code:2026-12-01"; anything else is a programming error (an unchecked
# value from a request must not reach the audit log).
_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,64}$")


def valid_id(value: str | None) -> str | None:
    if value is not None and not _ID.match(value):
        raise ValueError("audit ids are short codes or numbers")
    return value


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
        actor_kind=valid_id(actor_kind),
        actor_id=valid_id(actor_id),
        action=valid_id(action),
        record_kind=valid_id(record_kind),
        record_id=valid_id(record_id),
        details=details or {},
    )
    session.add(event)
    return event
