"""Retention purge and erasure in core, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.citizens import get_or_create_citizen
from core.db import Database
from core.handoff import close_conversation, open_conversation, record_citizen_message
from core.intake import create_intake
from core.models import BotState, Citizen
from core.models.handoff import HandoffConversation, HandoffMessage, OutboxMessage
from core.models.intake import Intake
from core.privacy import forget_citizen
from core.privacy_export import export_citizen
from core.retention import RETENTION, purge_expired

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=800)


async def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_purge_removes_only_what_outlived_its_period(database: Database) -> None:
    async with database.session() as session:
        old = await create_intake(
            session, consent_at=LONG_AGO, categories=["other"], centre_id="kk-kozani", now=LONG_AGO
        )
        old.status, old.closed_at = "closed", LONG_AGO
        recent = await create_intake(session, consent_at=NOW, categories=["other"], centre_id="kk-kozani", now=NOW)
        recent.status, recent.closed_at = "closed", NOW - timedelta(days=10)
        await create_intake(
            session, consent_at=LONG_AGO, categories=["other"], centre_id="kk-kozani", now=LONG_AGO
        )  # still open: never purged
        conversation = await open_conversation(
            session, telegram_chat_id=7, citizen_id=None, centre_id="kk-kozani", language="el", now=LONG_AGO
        )
        await record_citizen_message(session, conversation, text="παλιό μήνυμα", now=LONG_AGO)
        await close_conversation(session, conversation.id, closed_by="citizen", now=LONG_AGO)
        session.add(
            OutboxMessage(
                chat_id=8,
                kind="staff_reply",
                text="sent long ago",
                status="sent",
                attempts=1,
                next_attempt_at=LONG_AGO,
                created_at=LONG_AGO,
                sent_at=LONG_AGO,
            )
        )
        session.add(
            OutboxMessage(
                chat_id=8,
                kind="staff_reply",
                text="still to send",
                status="pending",
                attempts=0,
                next_attempt_at=LONG_AGO,
                created_at=LONG_AGO,
            )
        )
        session.add(BotState(kind="user", key="9", data={"intake": {"step": "x"}}, updated_at=LONG_AGO))
        idle = Citizen(telegram_id=99, created_at=LONG_AGO, last_seen_at=LONG_AGO)
        session.add(idle)
        await session.commit()
    async with database.write() as session:
        counts = await purge_expired(session, NOW)
    assert counts == {
        "intake": 1,
        "handoff": 2,
        "outbox": 1,
        "appointment": 0,
        "waitlist": 0,
        "bot_state": 1,
        "citizen": 1,
        "audit": 0,
    }
    async with database.session() as session:
        assert await count(session, Intake) == 2
        assert await count(session, HandoffConversation) == 0 and await count(session, HandoffMessage) == 0
        assert [r.text for r in (await session.scalars(select(OutboxMessage))).all()] == ["still to send"]
        assert await session.get(BotState, ("user", "9")) is None
    assert set(RETENTION) >= {"intake", "handoff", "outbox", "bot_state", "citizen", "audit"}


async def test_forget_and_export_on_both_backends(database: Database) -> None:
    async with database.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=4242)
        await create_intake(
            session,
            consent_at=NOW,
            categories=["ask_food_aid"],
            centre_id="kk-kozani",
            description="πεινάμε",
            citizen_id=citizen.id,
            telegram_chat_id=4242,
            now=NOW,
        )
        conversation = await open_conversation(
            session, telegram_chat_id=4242, citizen_id=citizen.id, centre_id="kk-kozani", language="el", now=NOW
        )
        await record_citizen_message(session, conversation, text="γεια", now=NOW)
        await session.commit()
        exported = await export_citizen(session, telegram_id=4242)
        assert exported is not None and exported["intake"][0]["description"] == "πεινάμε"
        assert exported["handoff_message"][0]["text"] == "γεια"
    async with database.write() as session:
        report = await forget_citizen(session, telegram_id=4242, now=NOW)
    assert report.found and report.restricted_intakes == []
    assert report.deleted["intake"] == 1 and report.deleted["citizen"] == 1
    async with database.session() as session:
        for model in (Intake, HandoffConversation, HandoffMessage):
            assert await count(session, model) == 0
        assert await export_citizen(session, telegram_id=4242) is None
