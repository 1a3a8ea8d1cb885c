"""When a held seat stops being held: the centre's hours, not the clock alone.

A freed seat offered to the first in the waiting list is held `hold_minutes` (policy). An offer made when the
centre is closed — at 23:38, on a Sunday, on a holiday — or one whose hold would run past closing time would
expire while nobody could reasonably answer: such a hold lasts until `hold_after_opening_minutes` after the next
opening instead. "Open" is the service's own working day at that place (its bookable periods, first start to
last end, Europe/Athens), skipping public holidays and closures. The hold still never outlasts the point where
the slot itself stops being bookable (its start minus the minimum notice); when that point falls out of hours,
the hold ends at the closing time before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from core.booking.holidays import is_public_holiday
from core.booking.slots import local_day, periods_for, to_utc

SEARCH_DAYS = 31  # how far to look for the next opening (a month of closures is already unusual)


def open_span(weekly: Mapping[str, Any], day: date, closed: set[date]) -> tuple[datetime, datetime] | None:
    """(opening, closing) of `day` in UTC, or None when the place does not work that day."""
    if day in closed or is_public_holiday(day):
        return None
    periods = periods_for(weekly, day)
    if not periods:
        return None
    return to_utc(day, min(p[0] for p in periods)), to_utc(day, max(p[1] for p in periods))


def next_opening(weekly: Mapping[str, Any], after: datetime, closed: set[date]) -> datetime | None:
    """The first opening time strictly after `after`."""
    day = local_day(after)
    for i in range(SEARCH_DAYS + 1):
        span = open_span(weekly, day + timedelta(days=i), closed)
        if span is not None and span[0] > after:
            return span[0]
    return None


def is_open(weekly: Mapping[str, Any], moment: datetime, closed: set[date]) -> bool:
    span = open_span(weekly, local_day(moment), closed)
    return span is not None and span[0] <= moment <= span[1]


def _last_closing_before(weekly: Mapping[str, Any], moment: datetime, closed: set[date]) -> datetime | None:
    day = local_day(moment)
    for i in range(SEARCH_DAYS + 1):
        span = open_span(weekly, day - timedelta(days=i), closed)
        if span is not None and span[1] <= moment:
            return span[1]
        if span is not None and span[0] <= moment <= span[1]:
            return moment
    return None


def hold_expiry(
    weekly: Mapping[str, Any],
    *,
    now: datetime,
    hold_minutes: int,
    after_opening_minutes: int,
    latest: datetime,
    closed: set[date],
) -> datetime:
    """When a hold offered at `now` ends: `hold_minutes` later if the centre is open all that time; otherwise
    `after_opening_minutes` after the next opening. Never after `latest` (moved back to a closing time when
    `latest` itself is out of hours), never before `now`."""
    plain = now + timedelta(minutes=hold_minutes)
    if is_open(weekly, now, closed) and is_open(weekly, plain, closed):
        expiry = plain
    else:
        opening = next_opening(weekly, now, closed)
        expiry = plain if opening is None else opening + timedelta(minutes=after_opening_minutes)
    if expiry <= latest:
        return expiry
    if is_open(weekly, latest, closed):
        return max(latest, now)
    closing = _last_closing_before(weekly, latest, closed)
    return max(closing if closing is not None and closing > now else latest, now)
