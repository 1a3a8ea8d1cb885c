"""Handoff and outbox services on SQLite and PostgreSQL: the inbox, staff scoping, and claiming for delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.db import Database
from core.handoff import (
    HandoffError,
    close_conversation,
    enqueue_staff_reply,
    open_conversation,
    open_conversations_for_centre,
    record_citizen_message,
)
from core.models import StaffUser
from core.models.handoff import OutboxMessage
from core.outbox import LEASE, MAX_ATTEMPTS, backoff, claim_due, mark_retry, mark_sent
from core.users import create_user

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


async def staff(session, name: str, centre: str) -> StaffUser:  # type: ignore[no-untyped-def]
    return await create_user(
        session, username=name, role="staff", centre_id=centre, password="pale-lantern-over-harbour-17"
    )


async def test_inbox_and_staff_scope(database: Database) -> None:
    async with database.session() as session:
        a = await open_conversation(
            session, telegram_chat_id=1, citizen_id=None, centre_id="kk-kozani", language="el", now=NOW
        )
        assert (
            await open_conversation(session, telegram_chat_id=1, citizen_id=None, centre_id="kk-kozani", language="el")
            is a
        )  # one open conversation per chat
        b = await open_conversation(
            session, telegram_chat_id=2, citizen_id=None, centre_id="kk-kozani", language="en", now=NOW
        )
        await record_citizen_message(session, a, text="hello", now=NOW + timedelta(minutes=5))
        assert [c.id for c in await open_conversations_for_centre(session, "kk-kozani")] == [a.id, b.id]
        assert await open_conversations_for_centre(session, "kk-florina") == []
        mine, other = await staff(session, "mine", "kk-kozani"), await staff(session, "other", "kk-florina")
        with pytest.raises(PermissionError):
            await enqueue_staff_reply(session, a.id, staff_user_id=other.id, text="hi")
        with pytest.raises(HandoffError):
            await enqueue_staff_reply(session, a.id, staff_user_id=mine.id, text="   ")
        reply = await enqueue_staff_reply(session, a.id, staff_user_id=mine.id, text="ΑΦΜ 090000045 ok", now=NOW)
        assert (reply.chat_id, reply.text, reply.status, reply.language) == (1, "ΑΦΜ [ΑΦΜ] ok", "pending", "el")
        await close_conversation(session, a.id, staff_user_id=mine.id, now=NOW)
        with pytest.raises(HandoffError):
            await enqueue_staff_reply(session, a.id, staff_user_id=mine.id, text="too late")
        await session.commit()
        assert [c.id for c in await open_conversations_for_centre(session, "kk-kozani")] == [b.id]


async def test_claiming_keeps_order_one_per_chat_and_honours_the_lease(database: Database) -> None:
    async with database.session() as session:
        for chat_id, n in ((10, 1), (10, 2), (11, 1)):
            session.add(
                OutboxMessage(
                    chat_id=chat_id,
                    kind="staff_reply",
                    text=f"{chat_id}-{n}",
                    status="pending",
                    attempts=0,
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )
        session.add(
            OutboxMessage(
                chat_id=12,
                kind="staff_reply",
                text="later",
                status="pending",
                attempts=0,
                next_attempt_at=NOW + timedelta(hours=1),
                created_at=NOW,
            )
        )
        await session.commit()
    async with database.write() as session:
        claims = await claim_due(session, now=NOW)
    assert sorted(c.text or "" for c in claims) == ["10-1", "11-1"]
    async with database.write() as session:
        assert await claim_due(session, now=NOW + timedelta(seconds=1)) == []  # claimed, lease running
    first = next(c for c in claims if c.chat_id == 10)
    async with database.write() as session:
        await mark_sent(session, first.id, telegram_message_id=99, now=NOW)
    async with database.write() as session:
        again = await claim_due(session, now=NOW + LEASE + timedelta(seconds=1))
    # chat 10's next message; chat 11's row whose deliverer died is taken again after the lease.
    assert sorted(c.text or "" for c in again) == ["10-2", "11-1"]
    eleven = next(c for c in again if c.chat_id == 11)
    assert eleven.attempts == 2


async def test_retry_backoff_and_giving_up(database: Database) -> None:
    async with database.session() as session:
        row = OutboxMessage(
            chat_id=5, kind="staff_reply", text="x", status="sending", attempts=3, next_attempt_at=NOW, created_at=NOW
        )
        session.add(row)
        await session.commit()
        row_id = row.id
    async with database.write() as session:
        await mark_retry(session, row_id, now=NOW, error="NetworkError")
    async with database.session() as session:
        stored = await session.get(OutboxMessage, row_id)
        assert stored is not None and stored.status == "pending" and stored.next_attempt_at == NOW + backoff(3)
    async with database.write() as session:
        await mark_retry(session, row_id, now=NOW, error="RetryAfter", retry_after=30)
    async with database.session() as session:
        stored = await session.get(OutboxMessage, row_id)
        assert stored is not None and stored.next_attempt_at == NOW + timedelta(seconds=30)
        stored.attempts = MAX_ATTEMPTS
        await session.commit()
    async with database.write() as session:
        await mark_retry(session, row_id, now=NOW, error="NetworkError")
    async with database.session() as session:
        stored = await session.get(OutboxMessage, row_id)
        assert stored is not None and stored.status == "failed"
    assert backoff(1) == timedelta(seconds=2) and backoff(30) == timedelta(minutes=10)
