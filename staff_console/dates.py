"""Days and months from the address bar. Empty means "today" / "this month"; anything else must be a real date
between FIRST_YEAR and LAST_YEAR, or the page answers 400 (never a 500 from a date overflow)."""

from __future__ import annotations

import re
from datetime import date

from staff_console.errors import BadRequest

FIRST_YEAR, LAST_YEAR = 2000, 2100
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_day(value: str, default: date) -> date:
    if not value:
        return default
    if not _DAY.match(value):
        raise BadRequest()
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest() from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRequest()
    return day


def parse_month(value: str, default: date) -> date:
    """The first day of the month `YYYY-MM`."""
    if not value:
        return default.replace(day=1)
    match = _MONTH.match(value)
    if not match:
        raise BadRequest()
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise BadRequest()
    return date(year, month, 1)
