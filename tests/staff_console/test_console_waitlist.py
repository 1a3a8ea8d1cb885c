"""The waiting-list page: in order, scoped to the viewer's centre, offers with their hold, viewing audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.models import AuditEvent, Citizen
from core.models.booking import Appointment, WaitlistEntry
from tests.staff_console.conftest import START, Console, login_ok

DAY = date(2026, 11, 27)


async def test_waitlist_in_order_and_scoped(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.db.session() as session:
        people = [
            Citizen(telegram_id=900 + i, language="el", name=name, created_at=START, last_seen_at=START)
            for i, name in enumerate(["Άννα Πρώτη", "Βασίλης Δεύτερος", "Γιώργος Καστοριανός"])
        ]
        session.add_all(people)
        await session.flush()
        hold = Appointment(
            centre_id="kk-kozani",
            service="social_worker",
            starts_at=START + timedelta(days=2),
            ends_at=START + timedelta(days=2, minutes=30),
            seat=1,
            citizen_id=people[0].id,
            status="held",
            hold_expires_at=START + timedelta(hours=2),
            created_at=START,
        )
        session.add(hold)
        await session.flush()
        session.add_all(
            [
                WaitlistEntry(
                    citizen_id=people[0].id,
                    centre_id="kk-kozani",
                    service="social_worker",
                    day=DAY,
                    status="offered",
                    hold_appointment_id=hold.id,
                    created_at=START - timedelta(hours=3),
                ),
                WaitlistEntry(
                    citizen_id=people[1].id,
                    centre_id="kk-kozani",
                    service="social_worker",
                    day=DAY,
                    status="waiting",
                    created_at=START - timedelta(hours=1),
                ),
                WaitlistEntry(
                    citizen_id=people[2].id,
                    centre_id="kk-kastoria",
                    service="psychologist",
                    day=DAY,
                    status="waiting",
                    created_at=START,
                ),
            ]
        )
        await session.commit()
    async with console.client() as client:
        await login_ok(client, "kozani")
        page = await client.get("/waitlist")
        assert page.status_code == 200
        text = page.text
        assert text.index("Άννα Πρώτη") < text.index("Βασίλης Δεύτερος")  # first in line first
        assert "Καστοριανός" not in text  # another centre's list
        assert "Του προτάθηκε θέση" in text and "η θέση κρατιέται έως" in text and "Σε αναμονή" in text
        assert (await client.get("/waitlist?day=2026-99-01")).status_code == 400
    async with console.db.session() as session:
        viewed = (
            await session.scalars(select(AuditEvent.record_id).where(AuditEvent.record_kind == "waitlist_entry"))
        ).all()
    assert viewed == ["all:2026-11-25"]
