"""Which centres each account sees (core.scope), on the seeded centres: a parent centre sees its Roma annex and
regional unit; annex and unit accounts see only their own; admins and coordinators all; no centre, nothing."""

from __future__ import annotations

from core.db import Database
from core.scope import centre_ids_for, serving_centres
from knowledge.places import CENTRE_IDS

CENTRES = CENTRE_IDS  # DESIGN.md "Centre identifiers"
CHILDREN = {
    "kk-eordaia": {"annex-roma-eordaia"},
    "kk-kastoria": {"annex-roma-kastoria", "unit-nestorio"},
    "kk-florina": {"annex-roma-florina", "unit-prespes"},
}


async def test_every_centres_staff_see_their_own_and_their_annexes(database: Database) -> None:
    async with database.session() as session:
        for centre in CENTRES:
            seen = await centre_ids_for(session, role="staff", centre_id=centre)
            assert seen == frozenset({centre} | CHILDREN.get(centre, set())), centre
            assert await centre_ids_for(session, role="mediator", centre_id=centre) == frozenset({centre})
            parents = [p for p, kids in CHILDREN.items() if centre in kids]
            assert await serving_centres(session, centre) == [centre, *parents]
        for role in ("admin", "coordinator"):
            assert await centre_ids_for(session, role=role, centre_id=None) is None
            assert await centre_ids_for(session, role=role, centre_id="kk-kozani") is None
        assert await centre_ids_for(session, role="staff", centre_id=None) == frozenset()
