"""The booking policy and the default availability, from `knowledge/data/availability.yaml`, and the seeding
of those defaults into the database for every centre that has none yet."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from core.db import Database
from core.models import Centre
from core.models.booking import Availability, Closure

log = logging.getLogger(__name__)

DEFAULTS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "availability.yaml"
# The order services are offered in; also the whole vocabulary of service ids.
SERVICES = ("social_worker", "psychologist", "employment", "roma_mediator", "applications")


@dataclass(frozen=True)
class Policy:
    window_days: int
    min_notice_hours: int
    max_future_bookings: int
    hold_minutes: int
    hold_after_opening_minutes: int


@lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    with DEFAULTS_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    for kind, services in data["services"].items():
        unknown = set(services) - set(SERVICES)
        if unknown:
            raise ValueError(f"availability.yaml: unknown services for {kind}: {sorted(unknown)}")
    return data


def policy() -> Policy:
    return Policy(**defaults()["policy"])


async def seed_availability(db: Database) -> int:
    """Default availability for every (centre, service) that has none, and the known local closures.
    Never overwrites: once a row exists, staff changes are what counts. Returns how many rows were added."""
    data = defaults()
    rules = policy()
    added = 0
    async with db.session() as session:
        centres = (await session.scalars(select(Centre))).all()
        pairs = await session.execute(select(Availability.centre_id, Availability.service))
        existing = {(centre_id, service) for centre_id, service in pairs.all()}
        for centre in centres:
            for service, spec in (data["services"].get(centre.kind) or {}).items():
                if (centre.id, service) in existing:
                    continue
                session.add(
                    Availability(
                        centre_id=centre.id,
                        service=service,
                        weekly=dict(spec["weekly"]),
                        slot_minutes=int(spec["slot_minutes"]),
                        seats=int(spec["seats"]),
                        window_days=rules.window_days,
                        min_notice_hours=rules.min_notice_hours,
                        updated_by="seed",
                    )
                )
                added += 1
        known = {
            (centre_id, day) for centre_id, day in (await session.execute(select(Closure.centre_id, Closure.day))).all()
        }
        for closure in data.get("closures") or []:
            day = closure["day"] if isinstance(closure["day"], date) else date.fromisoformat(str(closure["day"]))
            if (closure.get("centre"), day) not in known:
                session.add(Closure(centre_id=closure.get("centre"), day=day, reason=closure.get("reason")))
        await session.commit()
    if added:
        log.info("seeded %d availability rows", added)
    return added
