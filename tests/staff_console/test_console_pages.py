"""What the pages do: casework on an intake, a reply, an appointment cancelled with a message, centre edits,
users, the audit log and the monthly report."""

from __future__ import annotations

import csv as csv_module
from datetime import timedelta

from sqlalchemy import select

from core.models import AuditEvent, Centre, StaffUser
from core.models.booking import Appointment
from core.models.console import IntakeAssignment, IntakeNote, IntakeReferral
from core.models.handoff import HandoffMessage, OutboxMessage
from core.models.intake import Intake
from tests.staff_console.conftest import START, Console, login, login_ok, page_csrf
from tests.staff_console.records import make_records


async def test_intake_casework_is_scoped_saved_and_audited(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    intake_id = records.intake_kastoria
    async with console.client() as client:
        await login_ok(client, "kastoria")
        queue = await client.get("/intakes?category=ask_housing&urgent=1")
        assert f'href="/intakes/{intake_id}"' in queue.text and "Επείγον" in queue.text
        assert f'href="/intakes/{intake_id}"' not in (await client.get("/intakes?category=ask_food_aid")).text
        page = await client.get(f"/intakes/{intake_id}")
        assert page.status_code == 200 and "Χρειάζομαι βοήθεια με το ενοίκιο" in page.text
        csrf = await page_csrf(client, f"/intakes/{intake_id}")
        me = console.user_ids["kastoria"]
        assert (
            await client.post(f"/intakes/{intake_id}/assign", data={"csrf_token": csrf, "staff_user_id": str(me)})
        ).status_code == 303
        # Someone of another centre cannot be assigned: nothing changes.
        other = await client.post(
            f"/intakes/{intake_id}/assign", data={"csrf_token": csrf, "staff_user_id": str(console.user_ids["kozani"])}
        )
        assert "error=assignee" in other.headers["location"]
        await client.post(f"/intakes/{intake_id}/status", data={"csrf_token": csrf, "status": "in_progress"})
        await client.post(
            f"/intakes/{intake_id}/notes", data={"csrf_token": csrf, "text": "Τηλεφώνησα. ΑΜΚΑ 01017012345 στο χαρτί."}
        )
        await client.post(
            f"/intakes/{intake_id}/referrals",
            data={"csrf_token": csrf, "organisation": "Κοινωνική Υπηρεσία Δήμου", "reason": ""},
        )
        mine = await client.get("/intakes?assigned=me")
        assert f'href="/intakes/{intake_id}"' in mine.text
    async with console.db.session() as session:
        intake = await session.get(Intake, intake_id)
        assert intake is not None and intake.status == "referred"  # recording a referral moves it on
        assignment = await session.get(IntakeAssignment, intake_id)
        assert assignment is not None and assignment.staff_user_id == me
        note = await session.scalar(select(IntakeNote).where(IntakeNote.intake_id == intake_id))
        assert note is not None and "01017012345" not in note.text and "[ΑΜΚΑ]" in note.text
        assert await session.scalar(select(IntakeReferral.organisation)) == "Κοινωνική Υπηρεσία Δήμου"
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.record_kind == "intake",
                    AuditEvent.record_id == str(intake_id),
                    AuditEvent.actor_id == str(me),
                )
            )
        ).all()
        assert {"view", "assign", "update", "note", "refer"} <= set(actions)
        details = (await session.scalars(select(AuditEvent.details))).all()
        assert not any("ενοίκιο" in str(d) or "01017012345" in str(d) for d in details)


async def test_coordinator_reads_but_cannot_change_and_mediator_sees_only_their_intakes(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    async with console.client() as coord, console.client() as mediator:
        await login_ok(coord, "coord")
        await login_ok(mediator, "mediator")
        assert (await coord.get(f"/intakes/{records.intake_kozani}")).status_code == 200
        csrf = await page_csrf(coord)
        refused = await coord.post(
            f"/intakes/{records.intake_kozani}/status", data={"csrf_token": csrf, "status": "closed"}
        )
        assert refused.status_code == 403
        queue = (await mediator.get("/intakes")).text
        assert f'href="/intakes/{records.intake_kastoria}"' in queue
        assert f'href="/intakes/{records.intake_kozani}"' not in queue
        assert (await mediator.get(f"/intakes/{records.intake_kozani}")).status_code == 404
    async with console.db.session() as session:
        intake = await session.get(Intake, records.intake_kozani)
        assert intake is not None and intake.status == "new"


async def test_reply_goes_to_the_outbox_once(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"], chat_id=777)
    path = f"/conversations/{records.conversation_kastoria}"
    async with console.client() as client:
        await login_ok(client, "kastoria")
        page = await client.get(path)
        assert "Γεια σας, θέλω να μιλήσω" in page.text
        csrf = await page_csrf(client, path)
        sent = await client.post(f"{path}/reply", data={"csrf_token": csrf, "text": "Καλημέρα, σας ακούω."})
        assert sent.status_code == 303 and "notice=sent" in sent.headers["location"]
        empty = await client.post(f"{path}/reply", data={"csrf_token": csrf, "text": "   "})
        assert "error=empty" in empty.headers["location"]
        await client.post(f"{path}/close", data={"csrf_token": csrf})
        late = await client.post(f"{path}/reply", data={"csrf_token": csrf, "text": "Ακόμη ένα"})
        assert "error=closed" in late.headers["location"]
    async with console.db.session() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(r.kind, r.chat_id, r.text) for r in rows] == [
        ("staff_reply", 777, "Καλημέρα, σας ακούω."),
        ("handoff_closed", 777, None),
    ]


async def test_mediator_cancels_an_annex_visit_with_a_message_and_marks_attendance(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"], chat_id=888)
    async with console.client() as client:
        await login_ok(client, "mediator")
        day = (await client.get("/appointments?day=2026-11-26")).text
        assert "Μαρία Παπαδοπούλου" in day and "Κοζάνης" not in day  # only the annex's visits
        csrf = await page_csrf(client, "/appointments?day=2026-11-26")
        early = await client.post(
            f"/appointments/{records.appointment_annex}/attendance?day=2026-11-26",
            data={"csrf_token": csrf, "attended": "1"},
        )
        assert "error=not_yet" in early.headers["location"]
        response = await client.post(
            f"/appointments/{records.appointment_annex}/cancel?day=2026-11-26",
            data={"csrf_token": csrf, "message": "Ο διαμεσολαβητής είναι άρρωστος."},
        )
        assert response.status_code == 303 and "notice=cancelled" in response.headers["location"]
        other = await client.post(
            f"/appointments/{records.appointment_kozani}/cancel", data={"csrf_token": csrf, "message": "x"}
        )
        assert other.status_code == 404
    async with console.db.session() as session:
        annex = await session.get(Appointment, records.appointment_annex)
        kozani = await session.get(Appointment, records.appointment_kozani)
        assert annex is not None and annex.status == "cancelled" and annex.seat is None
        assert kozani is not None and kozani.status == "booked"
        outbox = (await session.scalars(select(OutboxMessage))).all()
        assert [(o.chat_id, o.text) for o in outbox] == [(888, "Ο διαμεσολαβητής είναι άρρωστος.")]
        # After the visit's time the attendance can be marked.
        kozani.starts_at = console.clock.now - timedelta(minutes=5)
        await session.commit()
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client)
        await client.post(
            f"/appointments/{records.appointment_kozani}/attendance", data={"csrf_token": csrf, "attended": "0"}
        )
    async with console.db.session() as session:
        marked = await session.get(Appointment, records.appointment_kozani)
        assert marked is not None and marked.status == "no_show"


async def test_admin_edits_a_centre_and_the_change_is_attributed(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "admin")
        csrf = await page_csrf(client, "/centres/kk-kozani/edit")
        bad = await client.post(
            "/centres/kk-kozani/edit",
            data={"csrf_token": csrf, "address": "Οδός 1", "phone": "abc", "email": "no-at", "hours": ""},
        )
        assert bad.status_code == 400 and "αριθμό τηλεφώνου" in bad.text
        ok = await client.post(
            "/centres/kk-kozani/edit",
            data={
                "csrf_token": csrf,
                "address": "Δημοκρατίας 1, Κοζάνη",
                "phone": "24610 12345",
                "email": "kk@example.gr",
                "hours": "",
            },
        )
        assert ok.status_code == 303
        listing = await client.get("/centres")
        assert "Δημοκρατίας 1, Κοζάνη" in listing.text
    async with console.db.session() as session:
        centre = await session.get(Centre, "kk-kozani")
        assert centre is not None and centre.updated_by == "admin" and centre.hours is None
        assert centre.sources["address"] == {"source": "console:admin", "checked": "2026-11-25"}
        event = await session.scalar(select(AuditEvent).where(AuditEvent.record_kind == "centre"))
        assert event is not None and "address" in event.details["fields"]


async def test_admin_creates_and_resets_users_and_sees_the_audit_log(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "admin")
        csrf = await page_csrf(client, "/users")
        refused = await client.post(
            "/users",
            data={
                "csrf_token": csrf,
                "username": "m2",
                "role": "mediator",
                "centre_id": "kk-kozani",
                "password": "x" * 12,
                "confirm": "x" * 12,
            },
        )
        assert refused.status_code == 400 and "Παράρτημα Ρομά" in refused.text
        created = await client.post(
            "/users",
            data={
                "csrf_token": csrf,
                "username": "grevena",
                "role": "staff",
                "centre_id": "kk-grevena",
                "password": "winter orchard lamp",
                "confirm": "winter orchard lamp",
            },
        )
        assert created.status_code == 303
        async with console.db.session() as session:
            new_id = await session.scalar(select(StaffUser.id).where(StaffUser.username == "grevena"))
        await client.post(
            f"/users/{new_id}/password",
            data={"csrf_token": csrf, "password": "another long pass 2", "confirm": "another long pass 2"},
        )
        audit_page = await client.get("/audit?record_kind=staff_user")
        assert audit_page.status_code == 200 and "<td>reset_password<" not in audit_page.text
        # Read as words: the admin's username, the action's label, the account by name (not "staff 6").
        assert "Νέος κωδικός από διαχειριστή" in audit_page.text and "Λογαριασμός: grevena" in audit_page.text
        assert ">admin<" in audit_page.text
    async with console.client() as other:
        assert (await login(other, "grevena", "winter orchard lamp")).status_code == 401
        assert (await login(other, "grevena", "another long pass 2")).status_code == 303


async def test_programme_report_charts_and_csv(console: Console) -> None:
    records = await make_records(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:
        visit = await session.get(Appointment, records.appointment_kozani)
        assert visit is not None
        visit.status = "attended"
        # A staff answer 30 minutes after the citizen's first message (Καστοριά).
        session.add(
            HandoffMessage(
                conversation_id=records.conversation_kastoria,
                sender="staff",
                staff_user_id=console.user_ids["kastoria"],
                text="Καλημέρα",
                created_at=START + timedelta(minutes=30),
            )
        )
        # A spreadsheet must not run a name as a formula.
        centre = await session.get(Centre, "kk-kozani")
        assert centre is not None
        centre.name_el = '=HYPERLINK("http://x")'
        await session.commit()
    async with console.client() as client:
        await login_ok(client, "coord")
        page = await client.get("/reports?month=2026-11")
        assert page.status_code == 200 and page.text.count("<svg") == 2
        assert "Νοέμβριος 2026" in page.text and "November" not in page.text
        assert 'class="axis"' in page.text and ">0</text>" in page.text  # an axis from zero, zeros written
        for words in ("Ραντεβού που κλείστηκαν", "Δεν ήρθαν", "Ακυρώσεις", "Διάμεσος χρόνος πρώτης απάντησης"):
            assert words in page.text
        ranged = await client.get("/reports?start=2026-11-24&end=2026-11-30")
        assert ranged.status_code == 200 and "24/11/2026 – 30/11/2026" in ranged.text
        assert (await client.get("/reports?start=2026-11-30&end=2026-11-01")).status_code == 400
        csv = await client.get("/reports.csv?month=2026-11")
        assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("\ufeff")
        lines = csv.text.lstrip("\ufeff").splitlines()
        assert lines[0].startswith("Περίοδος,Κέντρο,Μοναδικοί πολίτες,Ραντεβού που κλείστηκαν,Ραντεβού που έγιναν")
        assert "Θέμα: Τρόφιμα / βασική βοήθεια" in lines[0] and "ask_food_aid" not in csv.text
        kozani = next(line for line in lines if "HYPERLINK" in line)
        assert kozani.startswith("01/11/2026–30/11/2026,\"'=HYPERLINK(")  # neutralised: text, not a formula
        assert ",1,1,1,0,0,1,0,0,,0,0," in kozani  # citizens, booked, attended, no-show, cancelled, intakes...
        kastoria = next(line for line in lines if "Καστοριάς" in line and "Παράρτημα" not in line)
        assert ',1,0,0,0,0,1,1,1,"30,0",0,0,' in kastoria  # ...conversations, answered, median minutes
        assert lines[-1].startswith("01/11/2026–30/11/2026,Όλα τα Κέντρα")
        rows = list(csv_module.reader(lines))
        food, housing = rows[0].index("Θέμα: Τρόφιμα / βασική βοήθεια"), rows[0].index("Θέμα: Στέγαση / ενοίκιο")
        new = rows[0].index("Αιτήματα: Νέο")
        assert (rows[-1][food], rows[-1][housing], rows[-1][new], rows[-1][2]) == ("1", "1", "2", "2"), rows
