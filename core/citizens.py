"""Citizens as the bot knows them: found or created by Telegram id, with their chosen language/register, and what
they told the bot about their situation when they agreed that it is kept (`keep_facts`, `withdraw_kept_facts`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import Citizen, utcnow

LANGUAGES = ("el", "el-simple", "en")
# What may be kept of a conversation, with its own consent — the minimum that spares the citizen the same
# questions next time: the household, work and rent (yes/no) and the place they live. Never incomes, topics,
# health or anything typed freely.
KEPT_FACTS: Mapping[str, type] = {
    "adults": int,
    "minors": int,
    "single_parent": bool,
    "unemployed": bool,
    "rents_home": bool,
    "place": str,
}
MAX_KEPT_PEOPLE = 30
MAX_KEPT_PLACE = 80
_NAME_OK = re.compile(r"^[^\d@#/<>{}\[\]=+*_|\\]{2,100}$")


def valid_name(text: str) -> str | None:
    """A person's name as typed (spaces tidied), or None for what cannot be one (digits, symbols, one letter)."""
    name = " ".join(text.split())
    return name if _NAME_OK.match(name) and any(ch.isalpha() for ch in name) else None


async def citizen_by_telegram_id(session: AsyncSession, telegram_id: int) -> Citizen | None:
    found: Citizen | None = await session.scalar(select(Citizen).where(Citizen.telegram_id == telegram_id))
    return found


async def get_or_create_citizen(session: AsyncSession, *, telegram_id: int) -> Citizen:
    citizen = await citizen_by_telegram_id(session, telegram_id)
    if citizen is None:
        citizen = Citizen(telegram_id=telegram_id)
        session.add(citizen)
        await session.flush()
    else:
        citizen.last_seen_at = utcnow()
    return citizen


async def set_language(session: AsyncSession, *, telegram_id: int, language: str) -> Citizen:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    citizen = await get_or_create_citizen(session, telegram_id=telegram_id)
    citizen.language = language
    return citizen


async def merge_citizens(session: AsyncSession, *, keep_id: int, other_id: int) -> Citizen:
    """Staff found that two records are one person (e.g. a visit a mediator booked and the same person's later
    Telegram contact): every row of any table that references `other_id` (found from the schema) moves to
    `keep_id`, the kept record takes the details it lacked, and the other record is deleted. Never automatic;
    the caller checks the staff member may see both and records the merge in the audit log."""
    from sqlalchemy import delete, update
    from sqlalchemy.exc import IntegrityError

    from core.models import Base

    keep, other = await session.get(Citizen, keep_id), await session.get(Citizen, other_id)
    if keep is None or other is None or keep.id == other.id:
        raise ValueError("two different existing citizens are needed")
    citizen_table = Base.metadata.tables["citizen"]
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not citizen_table or table is citizen_table:
                continue
            column = table.c[fk.parent.name]
            try:
                async with session.begin_nested():
                    await session.execute(update(table).where(column == other.id).values({column.name: keep.id}))
            except IntegrityError:  # a one-per-person row both have (e.g. a subscription): the kept one stays
                await session.execute(delete(table).where(column == other.id))
    telegram_id = other.telegram_id
    for name in ("name", "phone", "language", "home_centre_id", "consent_at", "consent_version"):
        if getattr(keep, name) is None and getattr(other, name) is not None:
            setattr(keep, name, getattr(other, name))
    await session.delete(other)
    await session.flush()
    if keep.telegram_id is None and telegram_id is not None:
        keep.telegram_id = telegram_id
    await session.flush()
    return keep


def keepable_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Of `facts`, those that may be kept (`KEPT_FACTS`), each checked: counts 0–30 (adults ≥ 1), yes/no as
    booleans, a place of at most 80 characters. Anything else is left out."""
    kept: dict[str, Any] = {}
    for key, kind in KEPT_FACTS.items():
        value = facts.get(key)
        if value is None or type(value) is not kind:
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            if not (1 if key == "adults" else 0) <= value <= MAX_KEPT_PEOPLE:
                continue
        elif isinstance(value, str):
            value = " ".join(value.split())[:MAX_KEPT_PLACE]
            if not value:
                continue
        kept[key] = value
    return kept


async def kept_facts_for(session: AsyncSession, telegram_id: int) -> dict[str, Any]:
    """What is kept for the citizen with this Telegram id: `kept_facts_of` their record, reading only the columns
    it needs (once per conversation, for every citizen who writes)."""
    return (await kept_facts_by_telegram_id(session, [telegram_id]))[telegram_id]


async def kept_facts_by_telegram_id(session: AsyncSession, telegram_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """`kept_facts_for` of many citizens in one query (a batch of steps reads them ahead): every id given is in the
    result (empty when nothing is kept for it, the consent was withdrawn, or there is no such citizen)."""
    ids = sorted(set(telegram_ids))
    kept: dict[int, dict[str, Any]] = {i: {} for i in ids}
    if not ids:
        return kept
    query = select(Citizen.telegram_id, Citizen.kept_facts).where(
        Citizen.telegram_id.in_(ids), Citizen.kept_facts_consent_at.is_not(None)
    )
    for telegram_id, facts in (await session.execute(query)).all():
        if telegram_id is not None and isinstance(facts, dict):
            kept[int(telegram_id)] = keepable_facts(facts)
    return kept


def kept_facts_of(citizen: Citizen | None) -> dict[str, Any]:
    """What is kept for the citizen (empty when nothing is, or the consent was withdrawn)."""
    if citizen is None or citizen.kept_facts_consent_at is None or not isinstance(citizen.kept_facts, dict):
        return {}
    return keepable_facts(citizen.kept_facts)


async def keep_facts(
    session: AsyncSession, *, telegram_id: int, facts: Mapping[str, Any], now: datetime | None = None
) -> Citizen:
    """Keep `facts` (what may be kept of them) on the citizen's record, with the time of the consent — or, when it
    was given before, in its place (what was said last counts). Audited. The caller commits."""
    citizen = await get_or_create_citizen(session, telegram_id=telegram_id)
    first = citizen.kept_facts_consent_at is None
    citizen.kept_facts = keepable_facts(facts)
    if first:
        citizen.kept_facts_consent_at = now or utcnow()
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen.id),
        action="facts_kept" if first else "facts_updated",
        record_kind="citizen",
        record_id=str(citizen.id),
        details={"facts": sorted(citizen.kept_facts)},  # which facts, never their values
    )
    return citizen


async def withdraw_kept_facts(session: AsyncSession, *, telegram_id: int) -> bool:
    """The consent withdrawn: the kept facts are erased from the record (True when there were any). Audited. The
    caller commits."""
    citizen = await citizen_by_telegram_id(session, telegram_id)
    if citizen is None or (citizen.kept_facts is None and citizen.kept_facts_consent_at is None):
        return False
    citizen.kept_facts, citizen.kept_facts_consent_at = None, None
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=str(citizen.id),
        action="facts_withdrawn",
        record_kind="citizen",
        record_id=str(citizen.id),
    )
    return True
