"""Citizens as the bot knows them: found or created by Telegram id, with their chosen language/register."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Citizen, utcnow

LANGUAGES = ("el", "el-simple", "en")
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
