"""Logging in and changing passwords: argon2id (core.users), per-account lock-out and per-client throttling.

An unknown username costs the same argon2 work as a known one and gets the same answer, so the login form does
not tell which accounts exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import anyio.to_thread
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import StaffUser
from core.models.console import LoginAttempt
from core.passwords import MAX_LENGTH, MIN_LENGTH, PasswordRule, check_password
from core.users import hash_password, needs_rehash, verify_password
from staff_console.catalogue import t

MAX_FAILED_LOGINS = 5  # consecutive failures before the account locks
LOCK_DURATION = timedelta(minutes=15)
# While an account is locked, a client that has not failed on it (its owner at their own desk) is still checked,
# after this pause: an anonymous client cannot lock a colleague out, and guessing from new addresses stays slow.
NEW_CLIENT_DELAY = 2.0  # seconds
CLIENT_WINDOW = timedelta(minutes=15)
MAX_CLIENT_FAILURES = 20  # failures from one client within CLIENT_WINDOW before it must wait
ATTEMPT_RETENTION = timedelta(days=1)
MAX_PASSWORD_INPUT = 1024
_DUMMY_HASH = hash_password("koinotita-timing-equaliser")


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"  # also a disabled or locked account: the answer does not say which
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: StaffUser | None = None
    locked_now: bool = False


def client_hash(secret: str, address: str) -> str:
    """A keyed hash of the client's address: enough to throttle, not a stored IP address."""
    return hmac.new(secret.encode("utf-8"), address.encode("utf-8"), hashlib.sha256).hexdigest()


async def verify_off_loop(password_hash: str, password: str) -> bool:
    """argon2 takes most of a second of CPU: it runs in a worker thread, never on the event loop."""
    return await anyio.to_thread.run_sync(verify_password, password_hash, password[:MAX_PASSWORD_INPUT])


async def hash_off_loop(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password)


async def client_throttled(session: AsyncSession, *, client: str, now: datetime) -> bool:
    failures = await session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.client_hash == client,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - CLIENT_WINDOW,
        )
    )
    return (failures or 0) >= MAX_CLIENT_FAILURES


async def client_failed_on(session: AsyncSession, *, client: str, user_id: int, now: datetime) -> bool:
    """Whether this client failed to log in to this account within the lock's duration."""
    found = await session.scalar(
        select(LoginAttempt.id)
        .where(
            LoginAttempt.client_hash == client,
            LoginAttempt.staff_user_id == user_id,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - LOCK_DURATION,
        )
        .limit(1)
    )
    return found is not None


async def authenticate(
    session: AsyncSession, *, username: str, password: str, client: str, now: datetime
) -> LoginResult:
    """Checks a login and records the attempt; the caller commits.

    Lock-out: MAX_FAILED_LOGINS consecutive failures lock the account for LOCK_DURATION, but only against the
    clients that failed on it; any other client (the owner from their own desk) is checked after NEW_CLIENT_DELAY.
    Failures while locked do not extend the lock.
    """
    await session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPT_RETENTION))
    if await client_throttled(session, client=client, now=now):
        return LoginResult(LoginOutcome.THROTTLED)
    user = await session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        await verify_off_loop(_DUMMY_HASH, password)
        session.add(LoginAttempt(client_hash=client, at=now, success=False))
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    locked = user.locked_until is not None and user.locked_until > now
    if locked and await client_failed_on(session, client=client, user_id=user.id, now=now):
        # This client is one of those that failed: no further guesses until the lock ends.
        await verify_off_loop(_DUMMY_HASH, password)
        session.add(LoginAttempt(client_hash=client, at=now, success=False, staff_user_id=user.id))
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, user)
    if locked:
        await asyncio.sleep(NEW_CLIENT_DELAY)
    password_ok = await verify_off_loop(user.password_hash, password)
    if password_ok and user.active:
        user.failed_logins = 0
        user.locked_until = None
        if needs_rehash(user.password_hash):
            user.password_hash = await hash_off_loop(password)
        session.add(LoginAttempt(client_hash=client, at=now, success=True, staff_user_id=user.id))
        return LoginResult(LoginOutcome.OK, user)
    session.add(LoginAttempt(client_hash=client, at=now, success=False, staff_user_id=user.id))
    locked_now = False
    if not locked:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            user.failed_logins = 0
            locked_now = True
    return LoginResult(LoginOutcome.BAD_CREDENTIALS, user, locked_now=locked_now)


class PasswordProblem(StrEnum):
    WRONG_CURRENT = "wrong_current"
    MISMATCH = "mismatch"
    SAME_AS_OLD = "same_as_old"


def check_new_password(
    new: str, confirm: str, *, username: str, current: str | None = None
) -> PasswordProblem | PasswordRule | None:
    """The rules of core.passwords (NIST SP 800-63B), then the form's own: both copies the same, not the old one."""
    rule = check_password(new, username=username)
    if rule is not None:
        return rule
    if new != confirm:
        return PasswordProblem.MISMATCH
    if current is not None and new == current:
        return PasswordProblem.SAME_AS_OLD
    return None


def password_problem_text(problem: PasswordProblem | PasswordRule) -> str:
    return t(f"password.{problem.value}", minimum=MIN_LENGTH, maximum=MAX_LENGTH)


async def change_password(
    user: StaffUser, *, current: str, new: str, confirm: str, now: datetime
) -> PasswordProblem | PasswordRule | None:
    """Sets a new password if the current one is right and the new one acceptable; the caller ends the other
    sessions and commits."""
    if not await verify_off_loop(user.password_hash, current):
        return PasswordProblem.WRONG_CURRENT
    problem = check_new_password(new, confirm, username=user.username, current=current)
    if problem is not None:
        return problem
    await set_password(user, new, now=now)
    return None


async def set_password(user: StaffUser, new: str, *, now: datetime) -> None:
    user.password_hash = await hash_off_loop(new)
    user.password_changed_at = now
    user.failed_logins = 0
    user.locked_until = None
