"""Pure time arithmetic for slots: weekly hours (local, Europe/Athens) -> slot start times (UTC).

Times are stored in UTC and shown in Europe/Athens. A local wall-clock time is turned into UTC through
zoneinfo, so a Monday after the last Sunday of March starts at 06:00 UTC and one after the last Sunday of
October at 07:00 UTC, both at 09:00 in Athens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ATHENS = ZoneInfo("Europe/Athens")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local(moment: datetime) -> datetime:
    """An aware datetime in Athens time, for display."""
    return moment.astimezone(ATHENS)


def local_day(moment: datetime) -> date:
    return local(moment).date()


def to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ATHENS).astimezone(UTC)


def periods_for(weekly: Mapping[str, Any], day: date) -> list[tuple[time, time]]:
    raw: Sequence[Sequence[str]] = weekly.get(WEEKDAYS[day.weekday()]) or []
    return [(parse_hhmm(start), parse_hhmm(end)) for start, end in raw]


def slot_starts(weekly: Mapping[str, Any], day: date, slot_minutes: int) -> list[datetime]:
    """Every slot start (UTC) of `day`: each period is cut into whole slots; a break is simply the gap
    between two periods, and a slot never runs past its period's end."""
    starts: list[datetime] = []
    step = timedelta(minutes=slot_minutes)
    for start, end in periods_for(weekly, day):
        cursor = datetime.combine(day, start)
        finish = datetime.combine(day, end)
        while cursor + step <= finish:
            starts.append(to_utc(day, cursor.time()))
            cursor += step
    return starts
