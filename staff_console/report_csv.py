"""The report as CSV for a spreadsheet: Greek headers and labels, one row per centre and a total, UTF-8 with a BOM,
and every cell that a spreadsheet would run as a formula (= + - @, tab, carriage return first) neutralised with
a leading apostrophe (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from datetime import date

from core.intake import CATEGORIES
from core.models.intake import INTAKE_STATUSES
from core.period_report import FIGURES, CentrePeriod
from staff_console.catalogue import label

COUNTS = FIGURES
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text.replace(".", ",") if isinstance(value, float) else text
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(first: date, last: date, rows: list[tuple[str, CentrePeriod]]) -> str:
    """`rows`: (centre name, figures), the total last."""
    header = [
        label("report_column", "period"),
        label("report_column", "centre"),
        *(label("report_column", c) for c in COUNTS),
        *(label("report_column", "status_prefix") + label("status", s) for s in INTAKE_STATUSES),
        *(label("report_column", "category_prefix") + label("category", c) for c in CATEGORIES),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    period = f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"
    for name, r in rows:
        writer.writerow(
            [
                safe_cell(period),
                safe_cell(name),
                *(safe_cell(getattr(r, c)) for c in COUNTS),
                *(safe_cell(r.intakes_by_status.get(s, 0)) for s in INTAKE_STATUSES),
                *(safe_cell(r.intakes_by_category.get(c, 0)) for c in CATEGORIES),
            ]
        )
    return "\ufeff" + out.getvalue()
