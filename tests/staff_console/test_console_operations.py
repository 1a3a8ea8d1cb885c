"""The console's announcements and operations pages: coordinators send an announcement to those who opted in and
see its report; the scheduled jobs' last runs and the number of citizens who blocked the bot are shown."""

from __future__ import annotations

from sqlalchemy import select

from core.announcements import subscribe
from core.models import Citizen, utcnow
from core.models.announcement import Announcement, AnnouncementDelivery
from core.models.operations import JobRun
from tests.staff_console.conftest import Console, login_ok, page_csrf


async def test_a_coordinator_sends_an_announcement_and_sees_its_report(console: Console) -> None:
    async with console.db.write() as session:
        people = [
            Citizen(telegram_id=700_001, language="el"),
            Citizen(telegram_id=700_002, language="en", unreachable_at=utcnow()),
            Citizen(telegram_id=700_003, language="el"),
        ]
        session.add_all(people)
        await session.flush()
        await subscribe(session, citizen_id=people[0].id, centre_id="kk-kozani")
        await subscribe(session, citizen_id=people[1].id, centre_id="kk-kozani")
        await subscribe(session, citizen_id=people[2].id, centre_id="kk-florina")  # another centre's
    async with console.client() as client:
        await login_ok(client, "coord")
        csrf = await page_csrf(client, "/announcements")
        empty = await client.post("/announcements", data={"csrf_token": csrf, "centre": "kk-kozani", "text_el": " "})
        assert empty.status_code == 400 and "Γράψτε το κείμενο της ανακοίνωσης." in empty.text
        sent = await client.post(
            "/announcements",
            data={
                "csrf_token": csrf,
                "centre": "kk-kozani",
                "text_el": "Ημέρα ενημέρωσης για το επίδομα θέρμανσης.",
                "text_simple": "",
                "text_en": "Information day on the heating allowance.",
            },
        )
        assert sent.status_code == 303
        page = await client.get(sent.headers["location"])
    assert "Η ανακοίνωση μπήκε στην ουρά" in page.text and "Ημέρα ενημέρωσης" in page.text
    async with console.db.session() as session:
        (announcement,) = (await session.scalars(select(Announcement))).all()
        statuses = dict(
            (await session.execute(select(AnnouncementDelivery.citizen_id, AnnouncementDelivery.status))).all()
        )
    assert announcement.recipients == 2 and announcement.text_en == "Information day on the heating allowance."
    assert statuses == {people[0].id: "pending", people[1].id: "blocked"}  # opted in to Κοζάνη; one blocked


async def test_staff_of_a_centre_cannot_send_announcements(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "kozani")
        assert (await client.get("/announcements")).status_code == 403


async def test_the_operations_page_shows_jobs_and_unreachable_citizens(console: Console) -> None:
    async with console.db.write() as session:
        session.add(
            JobRun(
                name="reminders",
                runs=7,
                last_started_at=utcnow(),
                last_success_at=utcnow(),
                last_outcome="ok",
                last_counts={"reminders_sent": 3},
            )
        )
        session.add(Citizen(telegram_id=700_010, unreachable_at=utcnow()))
    async with console.client() as client:
        await login_ok(client, "admin")
        page = await client.get("/operations")
    assert page.status_code == 200
    assert "Υπενθυμίσεις ραντεβού" in page.text and "υπενθυμίσεις: 3" in page.text
    assert "<strong>1</strong> πολίτες έχουν μπλοκάρει το bot" in page.text
