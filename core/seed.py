"""Reference data copied into the database on first run. Seeding never overwrites: once a centre exists, an
admin's corrections are what counts, and a restart must not undo them."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select

from core.booking.policy import seed_availability
from core.db import Database
from core.models import Centre
from knowledge.places import CentreInfo, Fact, load_centres

log = logging.getLogger(__name__)


def _fact_meta(fact: Fact | None) -> dict[str, Any] | None:
    if fact is None:
        return None
    return {
        "source": fact.source,
        "checked": fact.checked.isoformat(),
        "uncertain": fact.uncertain,
        "as_of": fact.as_of,
    }


def _json_ready(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def centre_from_info(info: CentreInfo) -> Centre:
    facts = {"address": info.address, "phone": info.phone, "email": info.email, "hours": info.hours}
    sources = {key: meta for key, fact in facts.items() if (meta := _fact_meta(fact)) is not None}
    sources["town"] = {"source": info.town.source, "checked": info.town.checked.isoformat()}
    if info.operator_note is not None:
        sources["operator"] = {"note": {"el": info.operator_note.el, "en": info.operator_note.en}}
    checked = max([info.town.checked, *(f.checked for f in facts.values() if f is not None)])
    return Centre(
        id=info.id,
        kind=info.kind,
        parent_id=info.parent,
        name_el=info.name.el,
        name_en=info.name.en,
        town_el=info.town.name.el,
        town_en=info.town.name.en,
        lat=info.town.lat,
        lon=info.town.lon,
        address=info.address.value.el if info.address else None,
        phone=info.phone.value.el if info.phone else None,
        email=info.email.value.el if info.email else None,
        hours=info.hours.value.el if info.hours else None,
        municipalities=list(info.municipalities),
        related_contacts=[_json_ready(asdict(c)) for c in info.related_contacts],
        sources=sources,
        checked=checked,
        updated_by="seed",
    )


async def seed_reference_data(db: Database) -> int:
    """Insert the centres that are not in the database yet; returns how many were added."""
    infos = load_centres()
    async with db.session() as session:
        existing = set((await session.scalars(select(Centre.id))).all())
        # Parents first: annexes and units refer to their centre.
        missing = sorted((i for i in infos if i.id not in existing), key=lambda i: i.parent is not None)
        for info in missing:
            session.add(centre_from_info(info))
            await session.flush()
        await session.commit()
    if missing:
        log.info("seeded %d centres", len(missing))
    await seed_availability(db)
    return len(missing)
