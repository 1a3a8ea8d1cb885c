"""The inbox (table `inbox_update`): updates stored before Telegram is told they arrived, handled in per-chat order.

- `store` inserts updates, ignoring an `update_id` already stored: a redelivery (Telegram retrying a webhook, a
  poll repeated after a crash) is never handled twice.
- `claim` picks pending updates to handle inside the caller's step transaction (`Database.step()`), in arrival
  order per chat. On PostgreSQL several bot processes (replicas) share the inbox: a chat is taken with a
  transaction-level advisory lock (`pg_try_advisory_xact_lock`), so while one replica handles a chat's updates
  no other touches that chat, and the lock ends with the transaction — a killed replica's chats are free again
  as soon as PostgreSQL notices the dead connection. Updates with no chat are claimed `FOR UPDATE SKIP LOCKED`.
  On SQLite one process writes at a time (`BEGIN IMMEDIATE`), so a plain read is enough.
- `mark_done` records the step, in the same transaction as the step's own changes, and drops the payload (the
  citizen's text is not kept once handled).
- Poison updates: `count_attempt` records, durably and *before* an update is handled, that it is being tried; an
  update tried before (its batch failed or the process died) is handled alone, so only the update that keeps
  failing gathers attempts, and after `MAX_ATTEMPTS` the runner gives it up (`give_up`: status `failed`, payload
  dropped) instead of trying it forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, null, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.models.inbox import InboxUpdate

__all__ = [
    "ADVISORY_NAMESPACE",
    "DONE_RETENTION",
    "MAX_ATTEMPTS",
    "Incoming",
    "PendingUpdate",
    "claim",
    "count_attempt",
    "forget_chats",
    "give_up",
    "inbox_backlog",
    "mark_done",
    "pending_count",
    "purge_done",
    "store",
]

ADVISORY_NAMESPACE = 1616  # first key of pg_try_advisory_xact_lock(int, int): the inbox's chat locks
NO_CHAT_NAMESPACE = 1617  # the same for updates without a chat, by row id (no row locks: see count_attempt)
MAX_ATTEMPTS = 5  # an update whose handling failed (or killed the process) this many times is given up
DONE_RETENTION = timedelta(days=2)  # a handled update's id is kept this long to recognise a redelivery
_SCAN = 400  # pending rows looked at per claim


@dataclass(frozen=True)
class Incoming:
    update_id: int
    chat_key: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class PendingUpdate:
    id: int
    update_id: int
    chat_key: int | None
    payload: dict[str, Any]
    attempts: int = 0  # times it was tried before (a failed batch, a process that died)


async def store(session: AsyncSession, items: Sequence[Incoming], *, now: datetime) -> None:
    if not items:
        return
    rows = [
        {
            "update_id": i.update_id,
            "chat_key": i.chat_key,
            "payload": i.payload,
            "status": "pending",
            "attempts": 0,
            "received_at": now,
        }
        for i in items
    ]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, InboxUpdate.__table__)  # not the mapped class: no ORM bookkeeping per row
    await session.execute(insert(table).on_conflict_do_nothing(index_elements=["update_id"]), rows)


def _pending(rows: Sequence[Any]) -> list[PendingUpdate]:
    return [
        PendingUpdate(r.id, r.update_id, r.chat_key, r.payload, r.attempts or 0) for r in rows if r.payload is not None
    ]


_COLUMNS = (InboxUpdate.id, InboxUpdate.update_id, InboxUpdate.chat_key, InboxUpdate.payload, InboxUpdate.attempts)


async def claim(
    session: AsyncSession,
    *,
    replicas: bool,
    chat_keys: Sequence[int] | None = None,
    limit: int = 50,
    per_chat: int | None = None,
) -> list[PendingUpdate]:
    """Pending updates to handle now, oldest first, every pending update of each chat taken (up to `limit` in
    all, whole chats; a chat with a longer backlog gives its oldest `limit`, or its oldest `per_chat` when given:
    the rest of it comes in a later claim, in order). With `per_chat`, a chat's share also shrinks, down to one
    update, when more chats wait than `limit // per_chat`: many waiting chats each get their oldest update
    answered first, and the batch's answers go out in fewer waves. `chat_keys` narrows the claim to those chats.
    `replicas`: PostgreSQL shared by several processes (advisory locks, SKIP LOCKED).

    Only the ids and chats of the oldest pending rows are scanned; payloads are read for the chats chosen, so the
    cost of a claim does not grow with the backlog."""
    scan = select(InboxUpdate.id, InboxUpdate.chat_key).where(InboxUpdate.status == "pending")
    if chat_keys is not None:
        scan = scan.where(InboxUpdate.chat_key.in_(list(chat_keys)))
    candidates = (await session.execute(scan.order_by(InboxUpdate.id).limit(_SCAN))).all()
    if not candidates:
        return []
    counts: dict[int, int] = {}  # chat -> its pending rows, oldest chat first
    oldest: dict[int, int] = {}  # chat -> its oldest pending update (the scan is in id order)
    no_chat: list[int] = []
    for row in candidates:
        if row.chat_key is None:
            no_chat.append(row.id)
        else:
            counts[row.chat_key] = 0
            oldest.setdefault(row.chat_key, row.id)
    take = min(limit, per_chat or limit)
    if per_chat is not None and counts:
        take = max(1, min(take, limit // len(counts)))  # a fair share of the batch for each waiting chat
    if counts and take == 1:  # each chat seen has a pending update: its count changes nothing
        counts = dict.fromkeys(counts, 1)
    elif counts:
        query = (
            select(InboxUpdate.chat_key, func.count())
            .where(InboxUpdate.status == "pending", InboxUpdate.chat_key.in_(list(counts)))
            .group_by(InboxUpdate.chat_key)
        )
        for key, count in (await session.execute(query)).all():
            if key is not None:
                counts[key] = min(int(count), take)
        counts = {k: c for k, c in counts.items() if c}  # handled meanwhile by another replica
    keys = await _choose_chats(session, counts, limit=limit, replicas=replicas)
    chosen: list[PendingUpdate] = []
    if keys and take == 1:  # each chat's oldest: known from the scan, read by id
        query = select(*_COLUMNS).where(InboxUpdate.id.in_([oldest[k] for k in keys]), InboxUpdate.status == "pending")
        chosen.extend(_pending((await session.execute(query.order_by(InboxUpdate.id))).all()))
    elif keys:
        ranked = (
            select(
                *_COLUMNS,
                func.row_number().over(partition_by=InboxUpdate.chat_key, order_by=InboxUpdate.id).label("n"),
            )
            .where(InboxUpdate.status == "pending", InboxUpdate.chat_key.in_(keys))
            .subquery()
        )
        query = (
            select(ranked.c.id, ranked.c.update_id, ranked.c.chat_key, ranked.c.payload, ranked.c.attempts)
            .where(ranked.c.n <= take)
            .order_by(ranked.c.id)
        )
        chosen.extend(_pending((await session.execute(query)).all()))
    if no_chat and len(chosen) < limit:
        query = select(*_COLUMNS).where(
            InboxUpdate.id.in_(no_chat[: limit - len(chosen)]), InboxUpdate.status == "pending"
        )
        rows = _pending((await session.execute(query.order_by(InboxUpdate.id))).all())
        if replicas:
            locked = set(await _lock_keys(session, NO_CHAT_NAMESPACE, [r.id for r in rows]))
            rows = [r for r in rows if r.id in locked]
        chosen.extend(rows)
    return _alone_if_tried(chosen)


def _alone_if_tried(chosen: list[PendingUpdate]) -> list[PendingUpdate]:
    """An update tried before is handled alone (the oldest pending one of its chat), so that a batch of good
    updates is not held back, or counted against, by the one that fails."""
    tried = next((p for p in chosen if p.attempts > 0), None)
    if tried is None:
        return chosen
    if tried.chat_key is None:
        return [tried]
    return [next(p for p in chosen if p.chat_key == tried.chat_key)]


async def _choose_chats(session: AsyncSession, counts: dict[int, int], *, limit: int, replicas: bool) -> list[int]:
    """The oldest chats whose pending updates fit in `limit` (at least one chat). With replicas, only chats whose
    advisory lock this transaction got, tried a few at a time so that no chat is locked and then left unhandled."""
    chosen: list[int] = []
    taken, order, i = 0, list(counts), 0
    while i < len(order):
        group: list[int] = []
        room = limit - taken
        while i < len(order) and ((not chosen and not group) or counts[order[i]] <= room):
            group.append(order[i])
            room -= counts[order[i]]
            i += 1
        if not group:
            break
        if replicas:
            group = await _lock_chats(session, group)
        chosen.extend(group)
        taken += sum(counts[k] for k in group)
    return chosen


async def _lock_chats(session: AsyncSession, keys: list[int]) -> list[int]:
    """The chats whose advisory lock this transaction got (another replica holds the others)."""
    return await _lock_keys(session, ADVISORY_NAMESPACE, keys)


async def _lock_keys(session: AsyncSession, namespace: int, keys: list[int]) -> list[int]:
    if not keys:
        return []
    result = await session.execute(
        text(
            "SELECT k FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n) "
            "WHERE pg_try_advisory_xact_lock(:ns, CAST(mod(k, 2147483647) AS integer)) ORDER BY n"
        ),
        {"keys": keys, "ns": namespace},
    )
    return [int(k) for k in result.scalars().all()]


async def count_attempt(session: AsyncSession, ids: Sequence[int]) -> None:
    """One more try of these updates; the caller commits it before handling them (see the module docstring)."""
    if ids:
        await session.execute(
            update(InboxUpdate).where(InboxUpdate.id.in_(list(ids))).values(attempts=InboxUpdate.attempts + 1)
        )


async def give_up(session: AsyncSession, ids: Sequence[int], *, now: datetime) -> None:
    """These updates failed `MAX_ATTEMPTS` times: never tried again; the payload goes, as for a handled one."""
    if ids:
        await session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.id.in_(list(ids)))
            .values(status="failed", payload=null(), done_at=now)
        )


async def mark_done(session: AsyncSession, ids: Sequence[int], *, now: datetime) -> None:
    if ids:
        await session.execute(
            update(InboxUpdate).where(InboxUpdate.id.in_(list(ids))).values(status="done", payload=null(), done_at=now)
        )


async def forget_chats(session: AsyncSession, chat_keys: Sequence[int]) -> None:
    """Erasure: the handled updates of these chats go (pending ones are new messages, handled later)."""
    await session.execute(
        delete(InboxUpdate).where(InboxUpdate.chat_key.in_(list(chat_keys)), InboxUpdate.status != "pending")
    )


async def purge_done(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(
        delete(InboxUpdate).where(InboxUpdate.status != "pending", InboxUpdate.done_at < now - DONE_RETENTION)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def pending_count(session: AsyncSession) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")) or 0
    )


async def inbox_backlog(session: AsyncSession) -> tuple[int, datetime | None, int]:
    """For the metrics: updates waiting, when the oldest of them arrived, and updates given up (kept two days)."""
    pending, oldest = (
        await session.execute(
            select(func.count(), func.min(InboxUpdate.received_at)).where(InboxUpdate.status == "pending")
        )
    ).one()
    failed = await session.scalar(select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "failed"))
    return int(pending or 0), oldest, int(failed or 0)
