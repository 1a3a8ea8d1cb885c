"""Finding a citizen in the console (name or phone, scoped to the viewer's centres, paginated, audited without the
words searched), merging with a record by its number (confirmed first, only records the viewer can see), and what
the person page shows about each appointment (topic) and about reaching the citizen (blocked the bot)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.models import AuditEvent, Citizen
from core.models.booking import Appointment
from core.models.intake import Intake
from tests.staff_console.conftest import START, Console, login_ok, page_csrf
from tests.staff_console.test_person import NAME, one_person


async def test_search_by_name_or_phone_within_the_viewers_centres(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    link = f'href="/citizens/{person.citizen_id}"'
    async with console.client() as client:
        await login_ok(client, "kozani")
        home = await client.get("/")
        assert 'href="/citizens"' in home.text  # reachable from the navigation
        found_by = ("ιωαννιδου", "ΑΣΠΑΣΙΑ ιωαννίδου", "Ιωαννίδου", "694 455 6677", "0030 6944556677", "4556677")
        # Greeklish and vowels spelled otherwise find her too (what a colleague types from a phone call).
        for query in (*found_by, "ioannidou", "Aspasia Ioannidou", "Ιοαννιδου"):
            page = await client.get("/citizens", params={"q": query})
            assert page.status_code == 200 and link in page.text, query
        for query in ("Παπαδόπουλος", "6999999999", "Ασπασία Π", "Aspasia P"):
            assert link not in (await client.get("/citizens", params={"q": query})).text, query
    async with console.client() as client:  # the Φλώρινα... no: a centre holding none of her records
        await login_ok(client, "nestorio")
        assert link in (await client.get("/citizens", params={"q": "ιωαννιδου"})).text  # the Νεστόριο visit
    async with console.db.session() as session:
        visit = await session.get(Appointment, person.nestorio_visit)
        assert visit is not None
        await session.delete(visit)
        await session.commit()
    async with console.client() as client:
        await login_ok(client, "nestorio")
        assert link not in (await client.get("/citizens", params={"q": "ιωαννιδου"})).text
        assert link not in (await client.get("/citizens")).text
    async with console.db.session() as session:
        views = (await session.scalars(select(AuditEvent).where(AuditEvent.record_kind == "citizens"))).all()
    assert len(views) == 16 and {v.details["by"] for v in views} == {"name", "phone", "digits", "none"}
    assert all("ιωαννιδου" not in str(v.details).lower() and "6944556677" not in str(v.details) for v in views)


async def test_the_list_is_paginated(sqlite_console: Console) -> None:
    async with sqlite_console.db.session() as session:
        for n in range(30):
            citizen = Citizen(name=f"Δοκιμαστικός {n:02d}", created_at=START, last_seen_at=START)
            session.add(citizen)
            await session.flush()
            session.add(
                Intake(
                    citizen_id=citizen.id,
                    centre_id="kk-kozani",
                    status="new",
                    categories=["ask_housing"],
                    description="—",
                    contact_method="phone",
                    language="el",
                    created_at=START,
                    updated_at=START,
                )
            )
        await session.commit()
    async with sqlite_console.client() as client:
        await login_ok(client, "kozani")
        first = await client.get("/citizens", params={"q": "δοκιμαστικοσ"})
        second = await client.get("/citizens", params={"q": "δοκιμαστικοσ", "page": "2"})
    assert first.text.count("Δοκιμαστικός ") == 25 and second.text.count("Δοκιμαστικός ") == 5
    assert "Σελίδα 1 από 2" in first.text and "page=2" in first.text
    assert "Δοκιμαστικός 29" in first.text and "Δοκιμαστικός 00" in second.text  # newest first


async def test_merge_with_a_record_by_its_number(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:
        earlier = Citizen(name="Α. Ιωαννίδου", created_at=START, last_seen_at=START)  # no phone: not suggested
        elsewhere = Citizen(name="Άλλη Κοζάνη", created_at=START, last_seen_at=START)
        session.add_all([earlier, elsewhere])
        await session.flush()
        for citizen, centre in ((earlier, "kk-kastoria"), (elsewhere, "kk-kozani")):
            session.add(
                Intake(
                    citizen_id=citizen.id,
                    centre_id=centre,
                    status="new",
                    categories=["ask_food_aid"],
                    description="—",
                    contact_method="phone",
                    language="el",
                    created_at=START,
                    updated_at=START,
                )
            )
        await session.commit()
        earlier_id, elsewhere_id = earlier.id, elsewhere.id
    async with console.client() as client:
        await login_ok(client, "kastoria")
        page = await client.get(f"/citizens/{person.citizen_id}")
        assert 'action="/citizens/' in page.text and 'name="other_id"' in page.text
        # A record of another centre, one that does not exist, the person themself: the same kind answer.
        for other in (str(elsewhere_id), "999999", str(person.citizen_id), "abc"):
            answer = await client.get(f"/citizens/{person.citizen_id}/merge", params={"other_id": other})
            assert answer.status_code == 303 and "error=merge_unknown" in answer.headers["location"], other
            assert "Δεν υπάρχει άλλη εγγραφή" in (await client.get(answer.headers["location"])).text
        confirm = await client.get(f"/citizens/{person.citizen_id}/merge", params={"other_id": f"#{earlier_id}"})
        assert confirm.status_code == 200 and "Α. Ιωαννίδου" in confirm.text and NAME in confirm.text
        async with console.db.session() as session:  # looking is not merging
            assert await session.get(Citizen, earlier_id) is not None
        csrf = await page_csrf(client, f"/citizens/{person.citizen_id}")
        forged = await client.post(
            f"/citizens/{person.citizen_id}/merge", data={"csrf_token": csrf, "other_id": str(elsewhere_id)}
        )
        assert forged.status_code == 404  # a forged post for a record outside the centre: nothing merged
        done = await client.post(
            f"/citizens/{person.citizen_id}/merge", data={"csrf_token": csrf, "other_id": str(earlier_id)}
        )
        assert done.status_code == 303
    async with console.db.session() as session:
        assert await session.get(Citizen, earlier_id) is None and await session.get(Citizen, elsewhere_id) is not None
        moved = await session.scalar(
            select(Intake.citizen_id).where(Intake.centre_id == "kk-kastoria").order_by(Intake.id.desc())
        )
        assert moved == person.citizen_id
        merges = (await session.scalars(select(AuditEvent.details).where(AuditEvent.action == "merge"))).all()
    assert merges == [{"merged": earlier_id}]


async def test_topic_and_a_blocked_bot_are_shown_where_staff_work(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:
        visit = await session.get(Appointment, person.nestorio_visit)
        citizen = await session.get(Citizen, person.citizen_id)
        assert visit is not None and citizen is not None
        visit.topic = "ask_energy_bills"
        await session.commit()
    badge = "Δεν λαμβάνει μηνύματα Telegram"
    day = (START + timedelta(days=2)).date().isoformat()
    pages = (
        f"/citizens/{person.citizen_id}",
        f"/conversations/{person.conversation_id}",
        f"/appointments?day={day}",
        f"/appointments/{person.nestorio_visit}/move",
        f"/citizens?q={NAME}",
    )
    async with console.client() as client:
        await login_ok(client, "kastoria")
        person_page = await client.get(pages[0])
        assert "Λογαριασμοί ρεύματος" in person_page.text  # the appointment's topic
        for path in pages:
            assert badge not in (await client.get(path)).text, path
        async with console.db.session() as session:
            citizen = await session.get(Citizen, person.citizen_id)
            assert citizen is not None
            citizen.unreachable_at = START - timedelta(days=1)
            await session.commit()
        for path in pages:
            page = await client.get(path)
            assert page.status_code == 200 and badge in page.text, path
        assert "24/11/2026" in (await client.get(pages[0])).text  # since when
