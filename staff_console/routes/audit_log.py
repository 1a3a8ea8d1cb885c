"""The audit log (admin): who viewed or changed which record, newest first, filterable; read with usernames,
centre names and Greek labels (staff_console/audit_names.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from core.models import AuditEvent, StaffUser
from staff_console.access import CurrentViewer
from staff_console.audit_names import audit_names
from staff_console.deps import DbSession
from staff_console.routes.common import PAGE_SIZE, page_number, protected_router
from staff_console.web import render

router = protected_router()


@router.get("/audit", name="audit.list")
async def audit_list(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    record_kind: str = "",
    record_id: str = "",
    actor: str = "",
    action: str = "",
    page: str = "1",
) -> Response:
    filters = {
        "record_kind": record_kind[:40],
        "record_id": record_id[:100],
        "actor": actor[:80],
        "action": action[:60],
    }
    query = select(AuditEvent)
    for column in ("record_kind", "record_id", "action"):
        if filters[column]:
            query = query.where(getattr(AuditEvent, column) == filters[column])
    if filters["actor"]:
        # A username (or an account number) of the console.
        user_id = await session.scalar(select(StaffUser.id).where(StaffUser.username == filters["actor"]))
        query = query.where(AuditEvent.actor_id == (str(user_id) if user_id is not None else filters["actor"]))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(page)
    events = (
        await session.scalars(
            query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
        )
    ).all()
    kinds = (await session.scalars(select(AuditEvent.record_kind).distinct().order_by(AuditEvent.record_kind))).all()
    actions = (await session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))).all()
    names = await audit_names(session, events)
    return render(
        request,
        "audit.html",
        viewer=viewer,
        events=events,
        filters=filters,
        kinds=kinds,
        actions=actions,
        page=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        actor_name=names.actor,
        record_name=names.record,
        detail_text=names.detail,
    )
