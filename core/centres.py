"""Centres as the database holds them (seeded from `knowledge`, corrected by admins) and their public view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import step_cache
from core.models import Centre
from knowledge.messages import plain
from knowledge.translit import latin_label

_KIND_ORDER = case({"centre": 0, "regional_unit": 1, "roma_annex": 2}, value=Centre.kind, else_=3)


async def list_centres(session: AsyncSession) -> list[Centre]:
    """Every centre, in display order. In the bot's step (one transaction for a batch of updates, which never
    changes centres) they are read once and kept for the rest of the step."""
    kept = step_cache(session, "centres")
    if kept is not None and "all" in kept:
        return list(kept["all"])
    centres = list((await session.scalars(select(Centre).order_by(_KIND_ORDER, Centre.name_el))).all())
    if kept is not None:
        kept["all"] = centres
        kept.update({c.id: c for c in centres})
    return list(centres)


async def get_centre(session: AsyncSession, centre_id: str) -> Centre | None:
    kept = step_cache(session, "centres")
    if kept is not None and centre_id in kept:
        found: Centre | None = kept[centre_id]
        return found
    centre = await session.get(Centre, centre_id)
    if kept is not None and centre is not None:
        kept[centre_id] = centre  # the session's identity map holds it only while someone else does
    return centre


def _with_doubt(value: str | None, meta: dict[str, Any] | None, register: str) -> str | None:
    """A detail the facts doubt is shown with the year of its source (or as undated), so nobody relies on it
    blindly. In English a Greek value gets its Latin spelling first, the Greek in brackets."""
    if value and register == "en":
        value = latin_label(value)
    if value and meta and meta.get("uncertain"):
        if meta.get("as_of"):
            return plain("detail_uncertain", register, value=value, year=meta["as_of"])
        return plain("detail_undated", register, value=value)
    return value


def _public_source(sources: dict[str, Any]) -> str | None:
    """The source a citizen sees: a public page about a detail (never the town's coordinates data file)."""
    for key, meta in sources.items():
        source = meta.get("source") if isinstance(meta, dict) else None
        if key != "town" and isinstance(source, str) and source.startswith(("http://", "https://")):
            return source
    return None


def centre_view(centre: Centre, register: str) -> dict[str, Any]:
    """The plain dict `knowledge.answers.render_centre` renders: every unknown value None."""
    english = register == "en"
    sources = centre.sources or {}
    related = []
    for contact in centre.related_contacts or []:
        label = contact.get("label") or {}
        hours = contact.get("hours") or {}
        value = contact.get("phone")
        hours_text = hours.get("en" if english else "el") if isinstance(hours, dict) else None
        if value and hours_text:
            value = f"{value} ({hours_text})"
        related.append(
            {
                "label": label.get("en" if english else "el") if isinstance(label, dict) else label,
                "value": _with_doubt(value, contact, register),
                "source": contact.get("source"),
            }
        )
    note = (sources.get("operator") or {}).get("note") or {}
    return {
        "name": centre.name_en if english else centre.name_el,
        "town": centre.town_en if english else centre.town_el,
        "address": _with_doubt(centre.address, sources.get("address"), register),
        "phone": _with_doubt(centre.phone, sources.get("phone"), register),
        "email": _with_doubt(centre.email, sources.get("email"), register),
        "hours": _with_doubt(centre.hours, sources.get("hours"), register),
        "related": related,
        "source": _public_source(sources),
        "note": note.get("en" if english else "el") if isinstance(note, dict) else None,
        "checked": centre.checked,
    }
