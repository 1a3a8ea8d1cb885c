"""Which centres' records a staff account may see — one rule for the console and the core services.

Admins and coordinators: every centre (None). Everybody else: their own centre and, for a parent centre, the Roma
annexes and regional units it runs (`centre.parent_id`: kk-eordaia ⊇ annex-roma-eordaia; kk-kastoria ⊇
annex-roma-kastoria, unit-nestorio; kk-florina ⊇ annex-roma-florina, unit-prespes). Annex and unit accounts see
only their own. An account without a centre sees nothing (deny by default).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Centre, StaffUser

ALL_CENTRES_ROLES = frozenset({"admin", "coordinator"})


async def centre_ids_for(session: AsyncSession, *, role: str, centre_id: str | None) -> frozenset[str] | None:
    """The centre ids the account may see; None means every centre."""
    if role in ALL_CENTRES_ROLES:
        return None
    if not centre_id:
        return frozenset()
    if role == "mediator":  # a mediator works for one annex
        return frozenset({centre_id})
    children = (await session.scalars(select(Centre.id).where(Centre.parent_id == centre_id))).all()
    return frozenset({centre_id, *children})


async def staff_sees_centre(session: AsyncSession, staff: StaffUser, centre_id: str | None) -> bool:
    """Whether an active account's scope covers `centre_id` (None: a record no centre serves — oversight only)."""
    if not staff.active:
        return False
    scope = await centre_ids_for(session, role=staff.role, centre_id=staff.centre_id)
    return scope is None or (centre_id is not None and centre_id in scope)


async def serving_centres(session: AsyncSession, centre_id: str) -> list[str]:
    """The centre itself and its parent (whose staff see it too): whose accounts may work on its records."""
    parent = await session.scalar(select(Centre.parent_id).where(Centre.id == centre_id))
    return [centre_id, parent] if parent else [centre_id]
