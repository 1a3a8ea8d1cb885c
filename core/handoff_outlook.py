"""What a citizen handed to a person can expect. The centres' opening hours are not known (the facts found them
for none of the centres), so the only guide is the hours in which the centre takes appointments through the bot
(`availability`, closures and public holidays included): inside them someone is probably there; outside them,
the next time they begin. The bot says plainly that these are not the official opening hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.availability import closed_days
from core.booking.holds import is_open, next_opening
from core.booking.slots import local_day
from core.models.booking import Availability


@dataclass(frozen=True)
class Outlook:
    open_now: bool
    next_opening: datetime | None


def merged_weekly(rows: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """Every service's bookable periods together, day by day."""
    merged: dict[str, list[list[str]]] = {}
    for weekly in rows:
        for day, periods in (weekly or {}).items():
            merged.setdefault(day, []).extend(list(p) for p in periods or [])
    return merged


async def centre_outlook(session: AsyncSession, centre_id: str | None, now: datetime) -> Outlook | None:
    """None when nothing is known (no centre yet, or no bookable hours)."""
    if centre_id is None:
        return None
    rows = (
        await session.scalars(
            select(Availability.weekly).where(Availability.centre_id == centre_id, Availability.active.is_(True))
        )
    ).all()
    weekly = merged_weekly(list(rows))
    if not any(weekly.values()):
        return None
    today = local_day(now)
    closed = await closed_days(session, centre_id, today, today + timedelta(days=32))
    if is_open(weekly, now, closed):
        return Outlook(True, None)
    return Outlook(False, next_opening(weekly, now, closed))
