"""The outbox: messages the bot must deliver — staff replies, "staff closed the chat", and (kind `bot`) every
message a step of the bot sent, queued in the step's transaction (bot/inbox.py sends those at once after the
commit; this loop takes over what could not be sent then).

Delivery is claim → send → mark, each step its own short transaction (`Database.write()`):
- claiming moves due rows to `sending` under the write lock (SQLite `BEGIN IMMEDIATE`, PostgreSQL row locks), so
  two deliverers never take the same row;
- a Telegram error puts the row back to `pending` with exponential back-off (or Telegram's `retry_after`); an
  error that retrying cannot fix (the user blocked the bot, the chat is gone) marks it `failed`;
- a row left in `sending` by a process killed mid-delivery is taken again once its lease expires. If the kill
  fell in the instant after Telegram accepted the message and before `sent` was committed, the citizen gets it
  twice: Telegram has no idempotency key, and a duplicate reply is far better than a lost one (the policy and the
  size of that window: docs/delivery.md).
- a delivered `bot` row is deleted (its payload is the citizen's answer: not kept once shown).
Order within a chat is kept: only the oldest undelivered row of a chat is ever claimed, at most one per chat per
round (Telegram allows about one message a second per chat), and at most `MAX_PER_ROUND` per round (30/s).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.handoff import OutboxMessage

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "MAX_PER_ROUND",
    "OutboxClaim",
    "backoff",
    "claim_due",
    "mark_retry",
    "mark_sent",
    "pending_count",
]

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
MAX_PER_ROUND = 30
_SCAN = 500  # undelivered rows looked at per round: enough for 30 chats' oldest rows in practice


@dataclass(frozen=True)
class OutboxClaim:
    """A row claimed for delivery: everything the sender needs, detached from the session."""

    id: int
    chat_id: int
    kind: str
    text: str | None
    language: str | None
    attempts: int
    method: str | None = None
    payload: dict[str, Any] | None = None
    appointment_id: int | None = None  # a notice about an appointment (rendered when delivered)


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after each failed attempt, capped at 10 minutes."""
    return timedelta(seconds=min(2 ** max(attempts, 1), 600))


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = MAX_PER_ROUND,
    lease: timedelta = LEASE,
    claimed_by: str | None = None,
) -> list[OutboxClaim]:
    """Claim up to `limit` due rows, one per chat, the oldest undelivered of each chat. Run inside
    `Database.write()` so that the claim holds the write lock."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(("pending", "sending")))
        .order_by(OutboxMessage.id)
        .limit(_SCAN)
        .with_for_update()
    )
    rows = list((await session.scalars(query)).all())
    seen_chats: set[int] = set()
    claims: list[OutboxClaim] = []
    for row in rows:
        if row.chat_id in seen_chats:
            continue
        seen_chats.add(row.chat_id)  # later rows of this chat wait for this one: order is kept
        due = (row.status == "pending" and row.next_attempt_at <= now) or (
            row.status == "sending" and (row.claimed_at is None or row.claimed_at <= now - lease)
        )
        if not due:
            continue
        row.status = "sending"
        row.claimed_at = now
        row.claimed_by = claimed_by
        row.attempts += 1
        claims.append(
            OutboxClaim(
                row.id,
                row.chat_id,
                row.kind,
                row.text,
                row.language,
                row.attempts,
                row.method,
                row.payload,
                row.appointment_id,
            )
        )
        if len(claims) >= limit:
            break
    await session.flush()
    return claims


async def mark_sent(session: AsyncSession, outbox_id: int, *, telegram_message_id: int | None, now: datetime) -> None:
    row = await session.get(OutboxMessage, outbox_id)
    if row is None:  # erased meanwhile (/forget): nothing to record
        return
    if row.kind == "bot":
        await session.delete(row)
        return
    row.status = "sent"
    row.sent_at = now
    row.telegram_message_id = telegram_message_id
    row.last_error = None


async def mark_retry(
    session: AsyncSession,
    outbox_id: int,
    *,
    now: datetime,
    error: str,
    retry_after: float | None = None,
    permanent: bool = False,
) -> None:
    """A failed attempt: back to `pending` after a back-off, or `failed` when retrying cannot help or the
    attempts are used up. `error` is the exception's class name only."""
    row = await session.get(OutboxMessage, outbox_id)
    if row is None:
        return
    row.last_error = error[:80]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        return
    row.status = "pending"
    delay = timedelta(seconds=retry_after) if retry_after is not None else backoff(row.attempts)
    row.next_attempt_at = now + delay


async def pending_count(session: AsyncSession) -> int:
    rows = await session.scalars(select(OutboxMessage.id).where(OutboxMessage.status.in_(("pending", "sending"))))
    return len(rows.all())
