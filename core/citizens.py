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
