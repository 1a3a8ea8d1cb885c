"""Operating the service from the console (coordinators and admins):

- `/announcements`: write an announcement for one centre or all (standard Greek, optionally easy-to-read Greek
  and English), send it to the citizens who opted in, and see each one's report (sent, blocked, failed, waiting).
- `/operations`: the scheduled jobs the bot runs (last run, outcome, counts) and the citizens who blocked the bot.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import desc, select

from core import audit
from core.announcements import TEXT_LIMIT, AnnouncementError, create_announcement, queue_announcement, report
from core.centres import list_centres
from core.jobs import job_runs
from core.models.announcement import Announcement
from core.reachability import count_unreachable
from staff_console.access import CurrentViewer
from staff_console.catalogue import t
from staff_console.csrf import CheckedForm
from staff_console.deps import DbSession, Now
from staff_console.routes.common import notice_of, protected_router, text_field
from staff_console.web import render

router = protected_router()
ALL_CENTRES = "*"
RECENT = 30


async def _page(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    centres = await list_centres(session)
    announcements = list(await session.scalars(select(Announcement).order_by(desc(Announcement.id)).limit(RECENT)))
    reports = {a.id: await report(session, a.id) for a in announcements}
    names = {c.id: c.name_el for c in centres}
    return render(
        request,
        "announcements.html",
        viewer=viewer,
        centres=centres,
        names=names,
        announcements=announcements,
        reports=reports,
        values=values,
        errors=errors,
        limit=TEXT_LIMIT,
        notice=notice_of(request.query_params.get("notice")),
        status_code=status_code,
    )


@router.get("/announcements", name="announcements.list")
async def announcements_list(request: Request, viewer: CurrentViewer, session: DbSession) -> Response:
    return await _page(request, viewer, session, values={"centre": ALL_CENTRES}, errors={})


@router.post("/announcements", name="announcements.create")
async def announcements_create(
    request: Request, viewer: CurrentViewer, form: CheckedForm, session: DbSession, now: Now
) -> Response:
    values = {
        name: text_field(form, name, limit=TEXT_LIMIT + 1) for name in ("centre", "text_el", "text_simple", "text_en")
    }
    errors: dict[str, str] = {}
    centre_ids = {c.id for c in await list_centres(session)}
    centre = values["centre"] or ALL_CENTRES
    if centre != ALL_CENTRES and centre not in centre_ids:
        errors["centre"] = t("announcements.centre")
    if not values["text_el"]:
        errors["text_el"] = t("announcements.empty")
    for name in ("text_el", "text_simple", "text_en"):
        if len(values[name]) > TEXT_LIMIT:
            errors[name] = t("announcements.too_long", limit=TEXT_LIMIT)
    if errors:
        return await _page(request, viewer, session, values=values, errors=errors, status_code=400)
    try:
        announcement = await create_announcement(
            session,
            centre_id=None if centre == ALL_CENTRES else centre,
            text_el=values["text_el"],
            text_simple=values["text_simple"] or None,
            text_en=values["text_en"] or None,
            created_by=viewer.username,
        )
        recipients = await queue_announcement(session, announcement.id, now=now)
    except AnnouncementError:
        await session.rollback()
        return await _page(
            request, viewer, session, values=values, errors={"text_el": t("announcements.empty")}, status_code=400
        )
    audit.record(
        session,
        actor_kind="staff",
        actor_id=viewer.actor,
        action="create",
        record_kind="announcement",
        record_id=str(announcement.id),
        details={"centre_id": announcement.centre_id, "recipients": recipients},
    )
    await session.commit()
    return RedirectResponse("/announcements?notice=announcement_queued", status_code=303)


@router.get("/operations", name="operations.view")
async def operations_view(request: Request, viewer: CurrentViewer, session: DbSession) -> Response:
    return render(
        request,
        "operations.html",
        viewer=viewer,
        jobs=await job_runs(session),
        unreachable=await count_unreachable(session),
    )
