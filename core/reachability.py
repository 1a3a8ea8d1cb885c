"""Citizens who blocked the bot: recorded when Telegram answers 403, cleared when they write again.

Nothing is sent to an unreachable citizen (no retries against a wall); staff see the mark in the console.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Citizen


async def mark_unreachable(session: AsyncSession, *, telegram_id: int, now: datetime) -> bool:
    """True when the citizen was reachable until now."""
    result = await session.execute(
        update(Citizen)
        .where(Citizen.telegram_id == telegram_id, Citizen.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_reachable(session: AsyncSession, *, telegram_id: int) -> bool:
    """True when the citizen had been unreachable."""
    result = await session.execute(
        update(Citizen)
        .where(Citizen.telegram_id == telegram_id, Citizen.unreachable_at.is_not(None))
        .values(unreachable_at=None)
    )
    return bool(getattr(result, "rowcount", 0))


async def unreachable_telegram_ids(session: AsyncSession) -> set[int]:
    rows = await session.scalars(
        select(Citizen.telegram_id).where(Citizen.unreachable_at.is_not(None), Citizen.telegram_id.is_not(None))
    )
    return {int(r) for r in rows if r is not None}


async def count_unreachable(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(Citizen.unreachable_at.is_not(None))) or 0)
