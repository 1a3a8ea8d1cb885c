"""Announcements to citizens: opt-in per centre, a snapshot of recipients, a resumable queue and a report.

- `subscribe` / `unsubscribe`: a citizen's opt-in for one centre (an announcement "for all centres" goes to
  everybody subscribed to any centre).
- `queue_announcement`: staff press "send" — every subscribed citizen becomes one delivery row (unique per
  announcement and citizen, so nobody is queued twice); citizens who blocked the bot are recorded as `blocked`
  at once, with nothing sent.
- `skip_unreachable` / `pending_deliveries` / `record_outcomes`: the bot's delivery job first records citizens
  found unreachable since the snapshot as `blocked` (nothing is sent to them), takes pending rows in order and
  records outcomes as Telegram answers, several in one statement when they come faster than a commit (the bot
  sends the next message only once the previous outcome is committed: bot/announcements.py); after a crash it
  starts again from the first row still pending.
- `report`: counts by outcome for the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.models import Citizen
from core.models.announcement import (
    BLOCKED,
    DONE,
    DRAFT,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    Announcement,
    AnnouncementDelivery,
    AnnouncementSubscription,
)

TEXT_LIMIT = 3500  # room for the heading and the opt-out line within Telegram's 4,096
DELIVERY_RETENTION = timedelta(days=90)  # who received what: kept for the report, then deleted


class AnnouncementError(ValueError):
    """Refused: the message says why (shown to staff)."""


@dataclass(frozen=True)
class PendingDelivery:
    id: int
    announcement_id: int
    telegram_id: int
    language: str
    centre_id: str | None
    attempts: int


async def subscribe(session: AsyncSession, *, citizen_id: int, centre_id: str) -> bool:
    """True when this is a new subscription."""
    found = await session.scalar(
        select(AnnouncementSubscription.id).where(
            AnnouncementSubscription.citizen_id == citizen_id, AnnouncementSubscription.centre_id == centre_id
        )
    )
    if found is not None:
        return False
    session.add(AnnouncementSubscription(citizen_id=citizen_id, centre_id=centre_id))
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, *, citizen_id: int, centre_id: str | None = None) -> int:
    """Stop one centre's announcements (or all, with no centre); returns how many subscriptions ended."""
    query = delete(AnnouncementSubscription).where(AnnouncementSubscription.citizen_id == citizen_id)
    if centre_id is not None:
        query = query.where(AnnouncementSubscription.centre_id == centre_id)
    result = await session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


async def subscriptions_of(session: AsyncSession, citizen_id: int) -> list[str]:
    rows = await session.scalars(
        select(AnnouncementSubscription.centre_id)
        .where(AnnouncementSubscription.citizen_id == citizen_id)
        .order_by(AnnouncementSubscription.centre_id)
    )
    return list(rows)


async def create_announcement(
    session: AsyncSession,
    *,
    centre_id: str | None,
    text_el: str,
    text_simple: str | None,
    text_en: str | None,
    created_by: str,
) -> Announcement:
    texts = [t.strip() if t else None for t in (text_el, text_simple, text_en)]
    if not texts[0]:
        raise AnnouncementError("empty")
    if any(t and len(t) > TEXT_LIMIT for t in texts):
        raise AnnouncementError("too_long")
    announcement = Announcement(
        centre_id=centre_id,
        text_el=texts[0],
        text_simple=texts[1] or None,
        text_en=texts[2] or None,
        created_by=created_by,
        status=DRAFT,
        recipients=0,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def queue_announcement(session: AsyncSession, announcement_id: int, *, now: datetime) -> int:
    """Snapshot the recipients; returns how many. Queuing twice queues nobody twice."""
    announcement = await session.scalar(
        select(Announcement).where(Announcement.id == announcement_id).with_for_update()
    )
    if announcement is None:
        raise AnnouncementError("not_found")
    if announcement.status != DRAFT:
        return announcement.recipients
    subscribed = select(AnnouncementSubscription.citizen_id).distinct()
    if announcement.centre_id is not None:
        subscribed = subscribed.where(AnnouncementSubscription.centre_id == announcement.centre_id)
    already = exists().where(
        AnnouncementDelivery.announcement_id == announcement.id, AnnouncementDelivery.citizen_id == Citizen.id
    )
    reachable_now = Citizen.unreachable_at.is_(None)
    for status, reachable in ((PENDING, reachable_now), (BLOCKED, ~reachable_now)):
        rows = select(literal(announcement.id), Citizen.id, literal(status), literal(0)).where(
            Citizen.id.in_(subscribed), Citizen.telegram_id.is_not(None), reachable, ~already
        )
        await session.execute(
            insert(AnnouncementDelivery).from_select(["announcement_id", "citizen_id", "status", "attempts"], rows)
        )
    total = await session.scalar(select(func.count()).where(AnnouncementDelivery.announcement_id == announcement.id))
    announcement.recipients = int(total or 0)
    announcement.status = SENDING
    announcement.queued_at = now
    await session.flush()
    return announcement.recipients


async def pending_deliveries(session: AsyncSession, *, limit: int) -> list[PendingDelivery]:
    rows = await session.execute(
        select(
            AnnouncementDelivery.id,
            AnnouncementDelivery.announcement_id,
            Citizen.telegram_id,
            Citizen.language,
            Announcement.centre_id,
            AnnouncementDelivery.attempts,
        )
        .join(Citizen, Citizen.id == AnnouncementDelivery.citizen_id)
        .join(Announcement, Announcement.id == AnnouncementDelivery.announcement_id)
        .where(
            AnnouncementDelivery.status == PENDING,
            Citizen.telegram_id.is_not(None),
            Citizen.unreachable_at.is_(None),
        )
        .order_by(AnnouncementDelivery.id)
        .limit(limit)
    )
    return [PendingDelivery(r[0], r[1], int(r[2] or 0), r[3] or "el", r[4], r[5]) for r in rows]


async def skip_unreachable(session: AsyncSession | AsyncConnection) -> int:
    """Pending deliveries to citizens marked unreachable (they blocked the bot after the snapshot) become
    `blocked` without a call to Telegram; returns how many."""
    unreachable = select(Citizen.id).where(Citizen.unreachable_at.is_not(None))
    result = await session.execute(
        update(AnnouncementDelivery)
        .where(AnnouncementDelivery.status == PENDING, AnnouncementDelivery.citizen_id.in_(unreachable))
        .values(status=BLOCKED, error="unreachable")
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: str  # SENT, BLOCKED or FAILED
    error: str | None = None


async def record_outcomes(session: AsyncSession | AsyncConnection, outcomes: list[Outcome], *, now: datetime) -> None:
    """Record several outcomes: one statement per kind of outcome (all `sent` ones in one `UPDATE ... IN`)."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.status, outcome.error), []).append(outcome.delivery_id)
    for (status, error), ids in groups.items():
        values: dict[str, object] = {"status": status, "attempts": AnnouncementDelivery.attempts + 1, "error": error}
        if status == SENT:
            values["sent_at"] = now
        await session.execute(
            update(AnnouncementDelivery)
            .where(AnnouncementDelivery.id.in_(ids), AnnouncementDelivery.status == PENDING)
            .values(**values)
        )


async def note_failed_attempt(session: AsyncSession | AsyncConnection, delivery_id: int, *, error: str) -> None:
    """A network error: the row stays pending for the next run, one attempt more."""
    await session.execute(
        update(AnnouncementDelivery)
        .where(AnnouncementDelivery.id == delivery_id)
        .values(attempts=AnnouncementDelivery.attempts + 1, error=error)
    )


async def finish_sent_announcements(session: AsyncSession, *, now: datetime) -> int:
    """Announcements with nothing left pending are done."""
    left = exists().where(
        AnnouncementDelivery.announcement_id == Announcement.id, AnnouncementDelivery.status == PENDING
    )
    result = await session.execute(
        update(Announcement).where(Announcement.status == SENDING, ~left).values(status=DONE, finished_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def report(session: AsyncSession, announcement_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(AnnouncementDelivery.status, func.count())
        .where(AnnouncementDelivery.announcement_id == announcement_id)
        .group_by(AnnouncementDelivery.status)
    )
    counts = {PENDING: 0, SENT: 0, BLOCKED: 0, FAILED: 0}
    counts.update({status: int(n) for status, n in rows})
    return counts


async def text_for(session: AsyncSession, announcement_id: int, language: str) -> str:
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None:
        raise AnnouncementError("not_found")
    if language == "el-simple" and announcement.text_simple:
        return announcement.text_simple
    if language == "en" and announcement.text_en:
        return announcement.text_en
    return announcement.text_el


async def purge_old_deliveries(session: AsyncSession, *, now: datetime) -> int:
    """Who received a finished announcement is kept `DELIVERY_RETENTION`, then deleted (counts stay on the
    announcement as `recipients`)."""
    old = select(Announcement.id).where(
        Announcement.status == DONE, Announcement.finished_at < now - DELIVERY_RETENTION
    )
    result = await session.execute(
        delete(AnnouncementDelivery).where(and_(AnnouncementDelivery.announcement_id.in_(old)))
    )
    return int(getattr(result, "rowcount", 0) or 0)
