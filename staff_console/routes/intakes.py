"""The intake queue and an intake's page: answers, status, assignment, notes, referrals, history."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.attachments import attachments_of_intake
from core.centres import list_centres
from core.handoff import MAX_TEXT
from core.intake import CATEGORIES, IntakeError, change_status
from core.models import AuditEvent, Citizen, StaffUser
from core.models.console import IntakeAssignment, IntakeNote, IntakeReferral
from core.models.intake import INTAKE_STATUSES, Intake
from core.phones import phone_display, phone_link
from core.pii import mask_pii
from core.scope import serving_centres, staff_sees_centre
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.errors import NotFound, NotLoggedIn
from staff_console.intake_queue import ASSIGNED, COUNT_CAP, SORTS, QueueFilter, assignees, queue_page, scoped
from staff_console.routes.common import PAGE_SIZE, notice_of, page_number, protected_router, text_field
from staff_console.web import render

router = protected_router()
MAX_NOTE = 4000


async def scoped_intake(session: DbSession, viewer: Viewer, intake_id: int) -> Intake:
    """The intake if the viewer's scope holds it; otherwise 404, as if it did not exist."""
    intake = await session.scalar(scoped(viewer).where(Intake.id == intake_id))
    if intake is None:
        raise NotFound()
    return intake


async def usernames(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids)))
    return {i: name for i, name in rows.all()}


async def queue_context(
    session: AsyncSession, viewer: Viewer, staff_ids: set[int]
) -> tuple[dict[int, str], dict[str, str]]:
    """The assignees' usernames and the names of the centres the viewer sees (queue page and its live rows)."""
    names = await usernames(session, staff_ids)
    return names, {c.id: c.name_el for c in await list_centres(session) if viewer.sees_centre(c.id)}


@router.get("/intakes", name="intakes.list")
async def intakes_list(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    status: str = "",
    category: str = "",
    urgent: str = "",
    assigned: str = "",
    centre: str = "",
    sort: str = "urgent",
    page: str = "1",
) -> Response:
    qf = QueueFilter.parse(status=status, category=category, urgent=urgent, assigned=assigned, centre=centre, sort=sort)
    number = page_number(page)
    intakes, total = await queue_page(session, viewer, qf, page=number, page_size=PAGE_SIZE)
    who = await assignees(session, [i.id for i in intakes])
    names, centres = await queue_context(session, viewer, set(who.values()))
    # The queue lists no personal details (no description, no phone), so the list itself is not audited;
    # opening an intake is.
    query = {
        "status": qf.status,
        "category": qf.category,
        "urgent": "1" if qf.urgent_only else "",
        "assigned": qf.assigned,
        "centre": qf.centre_id,
        "sort": qf.sort,
    }
    return render(
        request,
        "intakes.html",
        viewer=viewer,
        intakes=intakes,
        total=total,
        page=number,
        pages=max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE)),
        count_cap=COUNT_CAP,
        qf=qf,
        statuses=INTAKE_STATUSES,
        categories=CATEGORIES,
        sorts=SORTS,
        assigned_options=ASSIGNED,
        centres=centres,
        assignee=who,
        names=names,
        query=[(k, v) for k, v in query.items() if v],
    )


@router.get("/intakes/{intake_id}", name="intakes.detail")
async def intake_detail(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    intake_id: int,
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    intake = await scoped_intake(session, viewer, intake_id)
    viewer.audit(session, "view", "intake", str(intake.id))
    await session.commit()
    notes = (
        await session.scalars(select(IntakeNote).where(IntakeNote.intake_id == intake.id).order_by(IntakeNote.id))
    ).all()
    referrals = (
        await session.scalars(
            select(IntakeReferral).where(IntakeReferral.intake_id == intake.id).order_by(IntakeReferral.id)
        )
    ).all()
    history = (
        await session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.record_kind == "intake", AuditEvent.record_id == str(intake.id), AuditEvent.action != "view"
            )
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    ).all()
    assignment = await session.get(IntakeAssignment, intake.id)
    team_query = select(StaffUser).where(StaffUser.active.is_(True), StaffUser.role.in_(("staff", "admin")))
    if intake.centre_id:
        serving = await serving_centres(session, intake.centre_id)
        team_query = team_query.where(StaffUser.centre_id.in_(serving) | (StaffUser.role == "admin"))
    team = (await session.scalars(team_query.order_by(StaffUser.username))).all()
    ids = {n.author_id for n in notes if n.author_id} | {r.created_by for r in referrals if r.created_by}
    ids |= {int(e.actor_id) for e in history if e.actor_id and e.actor_id.isdigit() and e.actor_kind != "citizen"}
    if assignment:
        ids.add(assignment.staff_user_id)
    citizen = await session.get(Citizen, intake.citizen_id) if intake.citizen_id else None
    chat = intake.telegram_chat_id or (citizen.telegram_id if citizen else None)
    by_telegram = intake.contact_method != "phone" and chat is not None
    phone = intake.contact_phone or (citizen.phone if citizen else None)
    return render(
        request,
        "intake.html",
        viewer=viewer,
        intake=intake,
        citizen=citizen,
        can_message=by_telegram and viewer.may("intakes.message") and intake.restricted_at is None,
        phone=phone_display(phone) if phone else None,
        phone_href=phone_link(phone) if phone else None,
        max_text=MAX_TEXT,
        notes=notes,
        referrals=referrals,
        attachments=await attachments_of_intake(session, intake.id),
        history=history,
        assignment=assignment,
        team=team,
        names=await usernames(session, ids),
        statuses=INTAKE_STATUSES,
        notice=notice_of(notice),
        error=t(f"intakes.{error}") if error in ERRORS else None,
        can_write=viewer.may("intakes.status") and intake.restricted_at is None,
    )


# texts: catalogue "intakes.<code>"
ERRORS = ("note_empty", "referral_empty", "assignee", "status", "no_telegram", "message_empty")


async def _actor(session: DbSession, viewer: Viewer) -> StaffUser:
    user = await session.get(StaffUser, viewer.user_id)
    if user is None:
        raise NotLoggedIn()
    return user


def _back(intake_id: int, *, notice: str = "saved", error: str | None = None) -> RedirectResponse:
    suffix = f"error={error}" if error else f"notice={notice}"
    return RedirectResponse(f"/intakes/{intake_id}?{suffix}", status_code=303)


@router.post("/intakes/{intake_id}/status", name="intakes.status")
async def intake_status(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, intake_id: int
) -> Response:
    intake = await scoped_intake(session, viewer, intake_id)
    status = text_field(form, "status", limit=20)
    if status not in INTAKE_STATUSES:
        return _back(intake.id, error="status")
    try:
        await change_status(session, intake.id, status=status, actor=await _actor(session, viewer), now=now)
    except (PermissionError, IntakeError) as exc:
        raise NotFound() from exc
    await session.commit()
    return _back(intake.id)


@router.post("/intakes/{intake_id}/assign", name="intakes.assign")
async def intake_assign(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, intake_id: int
) -> Response:
    intake = await scoped_intake(session, viewer, intake_id)
    raw = text_field(form, "staff_user_id", limit=12)
    target = await session.get(StaffUser, int(raw)) if raw.isdigit() else None
    if (
        target is None
        or not target.active
        or not (
            target.role == "admin"
            or (target.role == "staff" and await staff_sees_centre(session, target, intake.centre_id))
        )
    ):
        return _back(intake.id, error="assignee")
    assignment = await session.get(IntakeAssignment, intake.id)
    if assignment is None:
        session.add(
            IntakeAssignment(intake_id=intake.id, staff_user_id=target.id, assigned_by=viewer.user_id, assigned_at=now)
        )
    else:
        assignment.staff_user_id, assignment.assigned_by, assignment.assigned_at = target.id, viewer.user_id, now
    viewer.audit(session, "assign", "intake", str(intake.id), {"staff_user_id": target.id})
    await session.commit()
    return _back(intake.id)


@router.post("/intakes/{intake_id}/notes", name="intakes.note")
async def intake_note(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, intake_id: int
) -> Response:
    intake = await scoped_intake(session, viewer, intake_id)
    text = text_field(form, "text", limit=MAX_NOTE)
    if not text:
        return _back(intake.id, error="note_empty")
    session.add(IntakeNote(intake_id=intake.id, author_id=viewer.user_id, text=mask_pii(text), created_at=now))
    viewer.audit(session, "note", "intake", str(intake.id))
    await session.commit()
    return _back(intake.id)


@router.post("/intakes/{intake_id}/referrals", name="intakes.refer")
async def intake_refer(
    viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now, intake_id: int
) -> Response:
    intake = await scoped_intake(session, viewer, intake_id)
    organisation = text_field(form, "organisation", limit=200)
    if not organisation:
        return _back(intake.id, error="referral_empty")
    reason = text_field(form, "reason", limit=MAX_NOTE)
    session.add(
        IntakeReferral(
            intake_id=intake.id,
            organisation=organisation,
            reason=mask_pii(reason) or None,
            created_by=viewer.user_id,
            created_at=now,
        )
    )
    viewer.audit(session, "refer", "intake", str(intake.id))
    if intake.status != "closed":
        await change_status(session, intake.id, status="referred", actor=await _actor(session, viewer), now=now)
    await session.commit()
    return _back(intake.id)
