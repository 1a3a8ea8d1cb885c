"""Events the Community Centres announce: what the bot shows for "ask_events" (staff edit them in the console).

Service functions take the session first; the caller owns the transaction. Events are not personal records, so
nothing here is audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.event import Event

MAX_LIMIT = 50


async def upcoming(
    session: AsyncSession, now: datetime, *, centre_id: str | None = None, limit: int = 5
) -> list[Event]:
    """Published events starting at or after `now`, soonest first.

    With `centre_id`, that centre's events and the region-wide ones (no centre); without it, every centre's.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    query = select(Event).where(Event.published.is_(True), Event.starts_at >= now)
    if centre_id is not None:
        query = query.where(or_(Event.centre_id == centre_id, Event.centre_id.is_(None)))
    query = query.order_by(Event.starts_at, Event.id).limit(max(0, min(limit, MAX_LIMIT)))
    return list((await session.scalars(query)).all())


async def create_event(
    session: AsyncSession,
    *,
    title: str,
    starts_at: datetime,
    centre_id: str | None = None,
    place: str | None = None,
    published: bool = False,
    by: str | None = None,
) -> Event:
    """A new event (a draft unless `published`); flushed so that it has an id."""
    title = title.strip()
    if not title:
        raise ValueError("an event needs a title")
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    event = Event(
        title=title,
        starts_at=starts_at,
        centre_id=centre_id,
        place=(place or "").strip() or None,
        published=published,
        updated_by=by,
    )
    session.add(event)
    await session.flush()
    return event
