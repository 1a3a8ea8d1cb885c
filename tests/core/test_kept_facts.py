"""What a citizen let the bot keep of their conversations, on the citizen record (SQLite and PostgreSQL): only the
keepable facts, checked; the consent time kept from the first time; audited without values; withdrawn at once;
gone with the citizen on erasure."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core.citizens import (
    citizen_by_telegram_id,
    keep_facts,
    keepable_facts,
    kept_facts_for,
    kept_facts_of,
    withdraw_kept_facts,
)
from core.db import Database
from core.models import AuditEvent
from core.privacy import forget_citizen

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_only_keepable_facts_checked() -> None:
    facts = {
        "adults": 2,
        "minors": 0,
        "single_parent": False,
        "unemployed": True,
        "rents_home": True,
        "place": "  Σιάτιστα  ",
        "income_6m": "900",  # never kept
        "topic": "ask_housing",  # never kept
    }
    assert keepable_facts(facts) == {
        "adults": 2,
        "minors": 0,
        "single_parent": False,
        "unemployed": True,
        "rents_home": True,
        "place": "Σιάτιστα",
    }
    assert keepable_facts({"adults": 0, "minors": 99, "unemployed": "yes", "place": ""}) == {}
    assert keepable_facts({"adults": True}) == {}  # a boolean is not a count


async def test_kept_updated_withdrawn_and_erased(database: Database) -> None:
    async with database.session() as session:
        await keep_facts(session, telegram_id=777, facts={"adults": 1, "minors": 2, "income_6m": "300"}, now=NOW)
        await session.commit()
    async with database.session() as session:
        citizen = await citizen_by_telegram_id(session, 777)
        assert citizen is not None and kept_facts_of(citizen) == {"adults": 1, "minors": 2}
        assert await kept_facts_for(session, 777) == {"adults": 1, "minors": 2}  # the two-column read agrees
        assert await kept_facts_for(session, 778) == {}  # no such citizen
        assert citizen.kept_facts_consent_at == NOW
        await keep_facts(session, telegram_id=777, facts={"adults": 1, "minors": 3, "place": "Φλώρινα"}, now=LATER)
        await session.commit()
    async with database.session() as session:
        citizen = await citizen_by_telegram_id(session, 777)
        assert citizen is not None and kept_facts_of(citizen) == {"adults": 1, "minors": 3, "place": "Φλώρινα"}
        assert citizen.kept_facts_consent_at == NOW  # the consent was given once, then
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
        assert [e.action for e in events] == ["facts_kept", "facts_updated"]
        assert all("Φλώρινα" not in str(e.details) and "3" not in str(e.details) for e in events)
        assert await withdraw_kept_facts(session, telegram_id=777)
        await session.commit()
    async with database.session() as session:
        citizen = await citizen_by_telegram_id(session, 777)
        assert citizen is not None and citizen.kept_facts is None and citizen.kept_facts_consent_at is None
        assert kept_facts_of(citizen) == {} and await kept_facts_for(session, 777) == {}
        assert not await withdraw_kept_facts(session, telegram_id=777)  # nothing left to withdraw
        await keep_facts(session, telegram_id=777, facts={"adults": 2}, now=LATER)
        report = await forget_citizen(session, telegram_id=777, now=LATER)
        await session.commit()
    assert report.found
    async with database.session() as session:
        assert await citizen_by_telegram_id(session, 777) is None
