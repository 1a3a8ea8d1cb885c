"""Monthly figures per centre (admins, coordinators): a table, a bar chart (inline SVG) and a CSV export."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.responses import Response

from core import audit
from core.centres import list_centres
from core.reports import monthly_report, to_csv
from staff_console.access import CurrentViewer
from staff_console.dates import parse_month
from staff_console.deps import DbSession, Now
from staff_console.routes.common import protected_router
from staff_console.web import ATHENS, render

router = protected_router()


def _month(value: str, today: date) -> date:
    return parse_month(value, today)


@router.get("/reports", name="reports.view")
async def reports_view(request: Request, viewer: CurrentViewer, session: DbSession, now: Now,
                       month: str = "") -> Response:
    first = _month(month, now.astimezone(ATHENS).date())
    report = await monthly_report(session, month=first, centre_ids=viewer.centre_ids)
    names = {c.id: c.name_el for c in await list_centres(session)}
    peak = max([r.citizens_served for r in report] + [r.visits for r in report] + [1])
    return render(request, "reports.html", viewer=viewer, month=first, report=report, names=names, peak=peak)


@router.get("/reports.csv", name="reports.csv")
async def reports_csv(viewer: CurrentViewer, session: DbSession, now: Now, month: str = "") -> Response:
    first = _month(month, now.astimezone(ATHENS).date())
    report = await monthly_report(session, month=first, centre_ids=viewer.centre_ids)
    names = {c.id: c.name_el for c in await list_centres(session)}
    audit.record(session, actor_kind=viewer.role, actor_id=viewer.actor, action="export", record_kind="report",
                 record_id=first.strftime("%Y-%m"))
    await session.commit()
    # A BOM so that a spreadsheet opened by double-click reads the Greek names as UTF-8.
    body = "\ufeff" + to_csv(first, report, names)
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="koinotita-{first.strftime("%Y-%m")}.csv"'})
