"""The audit log (admin): who viewed or changed which record, newest first, filterable."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from core.models import AuditEvent
from staff_console.access import CurrentViewer
from staff_console.deps import DbSession
from staff_console.routes.common import PAGE_SIZE, page_number, protected_router
from staff_console.web import render

router = protected_router()


@router.get("/audit", name="audit.list")
async def audit_list(request: Request, viewer: CurrentViewer, session: DbSession, record_kind: str = "",
                     record_id: str = "", actor_id: str = "", action: str = "", page: str = "1") -> Response:
    filters = {"record_kind": record_kind[:40], "record_id": record_id[:100], "actor_id": actor_id[:100],
               "action": action[:60]}
    query = select(AuditEvent)
    for column, value in filters.items():
        if value:
            query = query.where(getattr(AuditEvent, column) == value)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(page)
    events = (await session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    )).all()
    kinds = (await session.scalars(select(AuditEvent.record_kind).distinct().order_by(AuditEvent.record_kind))).all()
    return render(request, "audit.html", viewer=viewer, events=events, filters=filters, kinds=kinds, page=number,
                  pages=max(1, -(-total // PAGE_SIZE)), total=total)
