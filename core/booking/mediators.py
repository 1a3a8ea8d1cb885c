"""Mediator accounts on Telegram: a one-time deep link (`/start link-<token>`) ties an account made with
`koinotita users add --role mediator` to the mediator's Telegram id. Only a hash of the token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import Citizen, StaffUser

ORAL_CONSENT_VERSION = "oral-1"  # consent a person gave aloud to a mediator or to staff at the desk

LINK_TTL = timedelta(hours=24)
LINK_PREFIX = "link-"
LOCAL_BOT_USERNAME = "koinotita_local_bot"  # the local stand-in's (bot/local_api.py BOT_USER)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link_token(
    session: AsyncSession, user_id: int, now: datetime, *, actor_kind: str = "system", actor_id: str | None = None
) -> str:
    """A fresh one-time token for a mediator (any earlier one stops working). Telegram deep-link payloads
    allow 64 characters of [A-Za-z0-9_-]; `link-` + 43 url-safe characters fits. The actor is who asked for it
    (the command line: the system; the console: the admin or coordinator)."""
    user = await session.get(StaffUser, user_id)
    if user is None or user.role != "mediator" or not user.active:
        raise ValueError("only an active mediator account can be linked to Telegram")
    token = secrets.token_urlsafe(32)
    user.link_token_hash = _hash(token)
    user.link_token_expires_at = now + LINK_TTL
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="create_link",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    return token


async def revoke_telegram(session: AsyncSession, user_id: int, *, actor_kind: str, actor_id: str | None) -> bool:
    """Untie a mediator's Telegram account and void any unused link: from the next message on, the bot treats
    that Telegram account as a citizen. False when the account is not a mediator's."""
    user = await session.get(StaffUser, user_id, with_for_update=True)
    if user is None or user.role != "mediator":
        return False
    user.telegram_id = None
    user.link_token_hash = None
    user.link_token_expires_at = None
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="revoke_telegram",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    return True


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={LINK_PREFIX}{token}"


async def redeem_link_token(session: AsyncSession, *, token: str, telegram_id: int, now: datetime) -> StaffUser | None:
    """Link the account whose token this is to `telegram_id`; None for an unknown, used or expired token."""
    if not token or len(token) > 64:
        return None
    user = await session.scalar(select(StaffUser).where(StaffUser.link_token_hash == _hash(token)).with_for_update())
    if (
        user is None
        or not user.active
        or user.role != "mediator"
        or user.link_token_expires_at is None
        or user.link_token_expires_at <= now
    ):
        return None
    other = await session.scalar(select(StaffUser).where(StaffUser.telegram_id == telegram_id, StaffUser.id != user.id))
    if other is not None:  # one Telegram account, one staff account
        other.telegram_id = None
    user.telegram_id = telegram_id
    user.link_token_hash = None
    user.link_token_expires_at = None
    audit.record(
        session,
        actor_kind="mediator",
        actor_id=str(user.id),
        action="link_telegram",
        record_kind="staff_user",
        record_id=str(user.id),
    )
    return user


async def mediator_by_telegram(session: AsyncSession, telegram_id: int) -> StaffUser | None:
    user: StaffUser | None = await session.scalar(
        select(StaffUser).where(
            StaffUser.telegram_id == telegram_id, StaffUser.role == "mediator", StaffUser.active.is_(True)
        )
    )
    return user if user is not None and user.centre_id else None


async def citizen_with_oral_consent(
    session: AsyncSession,
    *,
    name: str,
    phone: str | None,
    now: datetime,
    actor_kind: str,
    actor_id: str,
    via: str | None = None,
) -> Citizen:
    """A record for a citizen without Telegram, made for them by a mediator or at the desk: name and optional
    phone, nothing more, with the consent they gave aloud; its creation is audited (who made it, never the name)."""
    citizen = Citizen(
        telegram_id=None,
        name=name,
        phone=phone,
        consent_at=now,
        consent_version=ORAL_CONSENT_VERSION,
        created_at=now,
        last_seen_at=now,
    )
    session.add(citizen)
    await session.flush()
    details = {"consent": "oral"} | ({"via": via} if via else {})
    audit.record(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="create",
        record_kind="citizen",
        record_id=str(citizen.id),
        details=details,
    )
    return citizen
