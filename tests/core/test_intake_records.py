"""Intake records in core: consent required, urgency, the staff queue order, status changes and centre scoping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.citizens import get_or_create_citizen
from core.db import Database
from core.intake import (
    IntakeError,
    change_status,
    create_intake,
    get_intake,
    list_intakes_for_centre,
    programmes_for,
)
from core.models import AuditEvent, StaffUser
from core.users import create_user

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def staff(session, username: str, role: str, centre: str | None) -> StaffUser:  # type: ignore[no-untyped-def]
    return await create_user(
        session, username=username, role=role, centre_id=centre, password="pale-lantern-over-harbour-17"
    )


async def test_no_consent_no_intake(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(IntakeError):
            await create_intake(session, consent_at=None, categories=["ask_food_aid"], centre_id="kk-kozani")


async def test_record_holds_every_answer_masked_and_checklist(database: Database) -> None:
    async with database.session() as session:
        citizen = await get_or_create_citizen(session, telegram_id=555)
        intake = await create_intake(
            session,
            consent_at=NOW,
            categories=["ask_food_aid", "ask_housing"],
            centre_id="kk-kozani",
            description="Δεν έχουμε φαγητό, ΑΦΜ 090000045",
            adults=2,
            children=3,
            place="Κοζάνη",
            municipality_id="kozani",
            contact_method="phone",
            contact_phone="+30 691 234 5678",
            contact_time="morning",
            language="el",
            citizen_id=citizen.id,
            telegram_chat_id=555,
            checklist_text="φέρτε ταυτότητα",
            now=NOW,
        )
        await session.commit()
        stored = await get_intake(session, intake.id)
        assert stored is not None
        assert stored.status == "new" and stored.created_by_kind == "citizen" and stored.channel == "telegram"
        assert stored.description == "Δεν έχουμε φαγητό, ΑΦΜ [ΑΦΜ]"
        assert (stored.adults, stored.children, stored.contact_phone) == (2, 3, "+306912345678")
        assert stored.programme_ids == ["food_aid", "housing_allowance"] == programmes_for(stored.categories)
        assert stored.consent_at == NOW and not stored.urgent


async def test_urgency_from_emergency_category_and_words_and_queue_order(database: Database) -> None:
    async with database.session() as session:
        plain = await create_intake(
            session, categories=["ask_food_aid"], now=NOW, consent_at=NOW, centre_id="kk-florina"
        )
        words = await create_intake(
            session,
            categories=["other"],
            description="ο άντρας μου με χτυπάει",
            now=NOW + timedelta(minutes=1),
            consent_at=NOW,
            centre_id="kk-florina",
        )
        category = await create_intake(
            session, categories=["safety"], now=NOW + timedelta(minutes=2), consent_at=NOW, centre_id="kk-florina"
        )
        sos = await create_intake(
            session,
            categories=["ask_housing"],
            emergency=True,
            now=NOW + timedelta(minutes=3),
            consent_at=NOW,
            centre_id="kk-florina",
        )
        await session.commit()
        assert words.urgency_reasons == ["words:violence"]
        assert category.urgency_reasons == ["category:safety"] and sos.urgency_reasons == ["emergency"]
        queue = await list_intakes_for_centre(session, "kk-florina")
        assert [i.id for i in queue] == [words.id, category.id, sos.id, plain.id]
        assert [i.id for i in await list_intakes_for_centre(session, "kk-florina", urgent_first=False)] == [
            plain.id,
            words.id,
            category.id,
            sos.id,
        ]
        assert await list_intakes_for_centre(session, "kk-kozani") == []


async def test_mediator_creates_on_behalf_and_staff_scope(database: Database) -> None:
    async with database.session() as session:
        mediator = await staff(session, "med", "mediator", "annex-roma-florina")
        other = await staff(session, "other", "staff", "kk-kozani")
        mine = await staff(session, "mine", "staff", "kk-florina")
        intake = await create_intake(
            session,
            consent_at=NOW,
            categories=["ask_documents"],
            centre_id="kk-florina",
            created_by_staff_id=mediator.id,
            now=NOW,
        )
        assert (intake.created_by_kind, intake.channel) == ("mediator", "mediator")
        with pytest.raises(PermissionError):
            await change_status(session, intake.id, status="in_progress", actor=other)
        assert await get_intake(session, intake.id, actor=other) is None
        changed = await change_status(session, intake.id, status="closed", actor=mine, now=NOW)
        assert changed.status == "closed" and changed.closed_at == NOW
        with pytest.raises(IntakeError):
            await change_status(session, intake.id, status="bogus", actor=mine)
        await session.commit()
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.record_kind == "intake", AuditEvent.record_id == str(intake.id)
                )
            )
        ).all()
        assert list(actions) == ["create", "update"]  # the refused view and change left no trace of access
