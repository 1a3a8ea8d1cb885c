"""Programme figures per centre (admins, coordinators) for a month or any range of days: a table, two SVG charts
(axes, legend, zero shown as 0), a printable layout and a CSV with Greek headers (staff_console/report_csv.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import Request
from fastapi.responses import Response

from core.centres import list_centres
from core.intake import CATEGORIES
from core.period_report import FIGURES, CentrePeriod, period_report, totals
from staff_console.access import CurrentViewer, Viewer
from staff_console.catalogue import label, labels_of, t
from staff_console.charts import bar_chart
from staff_console.dates import FIRST_YEAR, LAST_YEAR, parse_day, parse_month
from staff_console.deps import DbSession, Now
from staff_console.errors import BadRequest
from staff_console.report_csv import report_csv
from staff_console.routes.common import protected_router
from staff_console.web import ATHENS, render

router = protected_router()
MAX_RANGE = timedelta(days=3 * 366)
# The table's columns, in order (labels: catalogue "report_column"); conversations are shown in the answered column
# ("answered / conversations").
COLUMNS = tuple(name for name in FIGURES if name != "conversations")


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    month: date | None  # set when the period is one calendar month

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m") if self.month else f"{self.first.isoformat()}_{self.last.isoformat()}"


def period_of(month: str, start: str, end: str, today: date) -> Period:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD` for a range, else `?month=YYYY-MM` (default: this month)."""
    if start or end:
        first, last = parse_day(start, today), parse_day(end, today)
        if last < first or last - first > MAX_RANGE:
            raise BadRequest()
        return Period(first, last, None)
    first = parse_month(month, today)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), first)


async def _figures(
    session: DbSession, viewer: Viewer, period: Period
) -> tuple[list[tuple[str, CentrePeriod]], CentrePeriod]:
    report = await period_report(session, first=period.first, last=period.last, centre_ids=viewer.centre_ids)
    names = {c.id: c.name_el for c in await list_centres(session)}
    return [(names.get(r.centre_id, r.centre_id), r) for r in report], totals(report)


@router.get("/reports", name="reports.view")
async def reports_view(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    now: Now,
    month: str = "",
    start: str = "",
    end: str = "",
) -> Response:
    today = now.astimezone(ATHENS).date()
    period = period_of(month, start, end, today)
    rows, total = await _figures(session, viewer, period)
    short = [name.replace(t("reports.centre_long"), t("reports.centre_short")) for name, _ in rows]
    people = (
        bar_chart(
            t("reports.chart_people"),
            short,
            [
                (label("report_column", "citizens_served"), [float(r.citizens_served) for _, r in rows]),
                (label("report_column", "appointments_booked"), [float(r.appointments_booked) for _, r in rows]),
                (label("report_column", "attended"), [float(r.attended) for _, r in rows]),
                (label("report_column", "no_show"), [float(r.no_show) for _, r in rows]),
                (label("report_column", "cancelled"), [float(r.cancelled) for _, r in rows]),
            ],
        )
        if rows
        else None
    )
    topics = (
        bar_chart(
            t("reports.chart_topics"),
            [label("category", c) for c in CATEGORIES],
            [
                (label("report_column", "intakes"), [float(total.intakes_by_category.get(c, 0)) for c in CATEGORIES]),
            ],
        )
        if rows
        else None
    )
    years = range(min(LAST_YEAR, today.year + 1), max(FIRST_YEAR, today.year - 5) - 1, -1)
    months = labels_of("month")
    return render(
        request,
        "reports.html",
        viewer=viewer,
        period=period,
        rows=rows,
        total=total,
        people=people,
        topics=topics,
        # Labels looked up once here rather than in the template's loops (a page of 16 rows × 13 columns).
        month_options=[(f"{y:04d}-{m:02d}", f"{months[str(m)]} {y}") for y in years for m in range(12, 0, -1)],
        selected_month=period.month.strftime("%Y-%m") if period.month else "",
        headings={c: label("report_column", c) for c in COLUMNS},
        statuses=labels_of("status"),
    )


@router.get("/reports.csv", name="reports.csv")
async def reports_csv(
    viewer: CurrentViewer, session: DbSession, now: Now, month: str = "", start: str = "", end: str = ""
) -> Response:
    period = period_of(month, start, end, now.astimezone(ATHENS).date())
    rows, total = await _figures(session, viewer, period)
    viewer.audit(session, "export", "report", period.key)
    await session.commit()
    body = report_csv(period.first, period.last, [*rows, (t("reports.all_centres"), total)])
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="koinotita-{period.key}.csv"'},
    )
