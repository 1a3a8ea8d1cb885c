"""Staff, coordinator, admin and mediator accounts: creation and password checks (argon2id)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Centre, StaffUser
from core.models.staff import ROLES
from core.passwords import MIN_LENGTH, check_password

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = MIN_LENGTH  # NIST SP 800-63B rev. 4, single-factor (core/passwords.py)


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why (never contains the password)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def create_user(
    session: AsyncSession, *, username: str, role: str, password: str, centre_id: str | None = None
) -> StaffUser:
    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("the username must have 1 to 80 characters")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role in ("staff", "mediator") and not centre_id:
        raise AccountError(f"a {role} account needs --centre")
    if role in ("admin", "coordinator") and centre_id:
        raise AccountError(f"an {role} account is not tied to one centre: leave out --centre")
    if role == "mediator" and centre_id and not centre_id.startswith("annex-roma-"):
        raise AccountError("a mediator belongs to a Roma annex (annex-roma-...)")
    if centre_id and await session.get(Centre, centre_id) is None:
        raise AccountError(f"no centre with id {centre_id!r}")
    rule = check_password(password, username=username)
    if rule is not None:
        raise AccountError(
            f"the password is not accepted ({rule.value}): use at least {MIN_PASSWORD_LENGTH} "
            "characters, not a common password, not the username or the service's name"
        )
    if await session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise AccountError(f"the username {username!r} is taken")
    # argon2 in a worker thread: the console calls this from its event loop.
    password_hash = await asyncio.to_thread(hash_password, password)
    user = StaffUser(username=username, role=role, centre_id=centre_id, password_hash=password_hash)
    session.add(user)
    await session.flush()
    return user
