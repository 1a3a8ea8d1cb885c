"""Server-side login sessions: a random token in the browser, its SHA-256 in `console_session`.

Rules (issue 7): a new session id at every login (no fixation), an idle timeout of 30 minutes, an absolute
lifetime of 12 hours, and logout deletes the row so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import StaffUser
from core.models.console import ConsoleSession

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often: a write per page view would serialise SQLite for nothing.
TOUCH_INTERVAL = timedelta(seconds=60)


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    token_id: str
    csrf_token: str
    user: StaffUser


async def start_session(session: AsyncSession, *, user_id: int, now: datetime) -> tuple[str, ConsoleSession]:
    """A brand-new session for a user who just proved who they are; returns the cookie token and the row."""
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        id=session_id_of(token), user_id=user_id, csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now
    )
    session.add(row)
    await session.flush()
    return token, row


async def load_session(session: AsyncSession, *, token: str, now: datetime) -> LiveSession | None:
    """The live session of this token, or None (unknown, expired — then deleted — or the account disabled)."""
    if not token or len(token) > 200:
        return None
    row = await session.get(ConsoleSession, session_id_of(token))
    if row is None:
        return None
    expired = now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT
    user = await session.get(StaffUser, row.user_id)
    if expired or user is None or not user.active:
        await session.delete(row)
        await session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        await session.commit()
    return LiveSession(token_id=row.id, csrf_token=row.csrf_token, user=user)


async def end_session(session: AsyncSession, *, token: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id_of(token)))


async def end_user_sessions(session: AsyncSession, *, user_id: int, keep_id: str | None = None) -> int:
    """Ends every session of a user (password changed or reset, account disabled); returns how many."""
    ids = (await session.scalars(select(ConsoleSession.id).where(ConsoleSession.user_id == user_id))).all()
    doomed = [i for i in ids if i != keep_id]
    if doomed:
        await session.execute(delete(ConsoleSession).where(ConsoleSession.id.in_(doomed)))
    return len(doomed)


async def purge_expired_sessions(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(
        delete(ConsoleSession).where(
            (ConsoleSession.last_seen_at < now - IDLE_TIMEOUT) | (ConsoleSession.created_at < now - ABSOLUTE_TIMEOUT)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
