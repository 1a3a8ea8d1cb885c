"""The person behind every record, in the console: one citizen with a request, a conversation, two appointments,
a mediator-booked visit and a waiting-list place, walked as staff of each centre (each sees exactly what their
centre may see, with links both ways); reaching a Telegram citizen from a request (delivered exactly once); a
staff cancellation of one of two same-day appointments (the notice names the right one and offers rebooking; the
mediator who booked is told); merging two records of one person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.outbox_delivery import deliver_outbox
from core.db import Database
from core.models import AuditEvent, Citizen, StaffUser
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation, HandoffMessage
from core.models.intake import Intake
from tests.staff_console.conftest import START, Console, login_ok, make_console, page_csrf

CHAT = 424242  # LocalChat's default user
MEDIATOR_CHAT = 515151
NAME = "Ασπασία Ιωαννίδου"


@dataclass
class Person:
    citizen_id: int
    intake_id: int
    conversation_id: int
    kozani_visit: int  # 10:00 at KK Κοζάνης
    kozani_later: int  # 12:00 the same day at KK Κοζάνης
    nestorio_visit: int
    annex_visit: int  # booked by the Kastoria annex's mediator
    waiting_id: int


async def one_person(db: Database, *, mediator_id: int) -> Person:
    day = START + timedelta(days=2)
    async with db.session() as session:
        citizen = Citizen(
            telegram_id=CHAT,
            language="el",
            name=NAME,
            phone="+306944556677",
            consent_at=START,
            created_at=START,
            last_seen_at=START,
        )
        session.add(citizen)
        await session.flush()
        intake = Intake(
            citizen_id=citizen.id,
            centre_id="kk-kastoria",
            status="new",
            categories=["ask_housing"],
            description="Χρειαζόμαστε βοήθεια με το ενοίκιο",
            contact_method="telegram",
            telegram_chat_id=CHAT,
            language="el",
            created_at=START,
            updated_at=START,
        )
        session.add(intake)
        await session.flush()
        talk = HandoffConversation(
            citizen_id=citizen.id,
            telegram_chat_id=CHAT,
            centre_id="kk-kastoria",
            intake_id=intake.id,
            language="el",
            status="open",
            opened_at=START,
            last_message_at=START,
        )
        session.add(talk)
        await session.flush()
        session.add(HandoffMessage(conversation_id=talk.id, sender="citizen", text="Καλημέρα", created_at=START))

        def visit(centre: str, service: str, hour: int, **extra: object) -> Appointment:
            starts = day.replace(hour=hour - 2)  # Athens is UTC+2 in winter
            return Appointment(
                centre_id=centre,
                service=service,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                seat=1,
                citizen_id=citizen.id,
                status="booked",
                created_at=START,
                **extra,
            )

        visits = [
            visit("kk-kozani", "social_worker", 10),
            visit("kk-kozani", "psychologist", 12),
            visit("unit-nestorio", "social_worker", 11),
            visit(
                "annex-roma-kastoria",
                "roma_mediator",
                10,
                booked_by_kind="mediator",
                booked_by_staff_id=mediator_id,
                consent_kind="oral",
                settlement="Άργος",
            ),
        ]
        session.add_all(visits)
        waiting = WaitlistEntry(
            citizen_id=citizen.id, centre_id="kk-kastoria", service="psychologist", day=day.date(), created_at=START
        )
        session.add(waiting)
        mediator = await session.get(StaffUser, mediator_id)
        assert mediator is not None
        mediator.telegram_id = MEDIATOR_CHAT
        await session.commit()
        kozani, later, nestorio, annex = (v.id for v in visits)
        return Person(citizen.id, intake.id, talk.id, kozani, later, nestorio, annex, waiting.id)


# Which of the person's records each account's centres hold (kk-kastoria runs the annex and unit-nestorio).
SEES = {
    "admin": {"intake", "conversation", "kozani_visit", "kozani_later", "nestorio_visit", "annex_visit", "waiting"},
    "coord": {"intake", "conversation", "kozani_visit", "kozani_later", "nestorio_visit", "annex_visit", "waiting"},
    "kastoria": {"intake", "conversation", "nestorio_visit", "annex_visit", "waiting"},
    "kozani": {"kozani_visit", "kozani_later"},
    "nestorio": {"nestorio_visit"},
    "mediator": {"annex_visit"},
}


def markers(person: Person) -> dict[str, str]:
    return {
        "intake": f'href="/intakes/{person.intake_id}"',
        "conversation": f'href="/conversations/{person.conversation_id}"',
        "kozani_visit": f'id="appointment-{person.kozani_visit}"',
        "kozani_later": f'id="appointment-{person.kozani_later}"',
        "nestorio_visit": f'id="appointment-{person.nestorio_visit}"',
        "annex_visit": f'id="appointment-{person.annex_visit}"',
        "waiting": f'id="waiting-{person.waiting_id}"',
    }


async def test_each_centre_sees_exactly_its_part_of_the_person(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    for username, expected in SEES.items():
        async with console.client() as client:
            await login_ok(client, username)
            page = await client.get(f"/citizens/{person.citizen_id}")
            assert page.status_code == 200, username
            assert NAME in page.text
            shown = {kind for kind, marker in markers(person).items() if marker in page.text}
            assert shown == expected, f"{username}: {shown ^ expected}"
            if "intake" in expected:  # links both ways: the request names the person and links back
                intake = await client.get(f"/intakes/{person.intake_id}")
                assert NAME in intake.text and f'href="/citizens/{person.citizen_id}"' in intake.text
            if "conversation" in expected:
                talk = await client.get(f"/conversations/{person.conversation_id}")
                assert f'href="/citizens/{person.citizen_id}"' in talk.text and "Πολίτης ·" not in talk.text
                assert NAME in talk.text
    async with console.client() as client:  # a centre holding none of the person's records: as if none existed
        await login_ok(client, "kozani")
        await client.get("/")
    async with console.db.session() as session:
        views = (
            await session.scalars(
                select(AuditEvent.actor_id).where(AuditEvent.record_kind == "citizen", AuditEvent.action == "view")
            )
        ).all()
    assert len(views) == len(SEES)  # every view of the person is in the audit log


async def test_a_centre_with_nothing_of_the_person_gets_404(sqlite_console: Console) -> None:
    person = await one_person(sqlite_console.db, mediator_id=sqlite_console.user_ids["mediator"])
    async with sqlite_console.db.session() as session:
        for appointment_id in (person.nestorio_visit,):
            appointment = await session.get(Appointment, appointment_id)
            assert appointment is not None
            await session.delete(appointment)
        await session.commit()
    async with sqlite_console.client() as client:
        await login_ok(client, "nestorio")
        assert (await client.get(f"/citizens/{person.citizen_id}")).status_code == 404
        assert (await client.get("/citizens/999999")).status_code == 404


async def test_staff_reach_a_telegram_citizen_from_the_request_exactly_once(chat: LocalChat) -> None:
    console = await make_console(chat.app.services.db, secure=False)
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:  # the request did not come with a conversation
        talk = await session.get(HandoffConversation, person.conversation_id)
        assert talk is not None
        talk.status = "closed"
        await session.commit()
    async with console.client() as client:
        await login_ok(client, "kastoria")
        page = await client.get(f"/intakes/{person.intake_id}")
        assert f'action="/intakes/{person.intake_id}/message"' in page.text
        csrf = await page_csrf(client, f"/intakes/{person.intake_id}")
        sent = await client.post(
            f"/intakes/{person.intake_id}/message",
            data={"csrf_token": csrf, "text": "Καλημέρα, μπορείτε να έρθετε την Πέμπτη;"},
        )
        assert sent.status_code == 303 and re.match(r"/conversations/\d+\?notice=sent", sent.headers["location"])
    for _ in range(3):  # later rounds never send it again
        await deliver_outbox(chat.app, START + timedelta(minutes=1))
    got = [m for m in chat.api.sent() if m.chat_id == CHAT and "μπορείτε να έρθετε την Πέμπτη" in m.text]
    assert len(got) == 1
    async with console.db.session() as session:
        opened = (
            await session.scalars(
                select(HandoffConversation).where(
                    HandoffConversation.status == "open", HandoffConversation.telegram_chat_id == CHAT
                )
            )
        ).all()
    assert len(opened) == 1 and opened[0].intake_id == person.intake_id and opened[0].citizen_id == person.citizen_id
    # What the citizen writes next goes to the staff: the conversation is open for their chat.
    replies = await chat.say("Ναι, θα έρθω")
    assert all("Πέμπτη" in m.text for m in replies)  # the bot keeps quiet: only the delivered message
    async with console.db.session() as session:
        said = (
            await session.scalars(
                select(HandoffMessage.text).where(
                    HandoffMessage.conversation_id == opened[0].id, HandoffMessage.sender == "citizen"
                )
            )
        ).all()
    assert said == ["Ναι, θα έρθω"]


async def test_a_phone_only_request_offers_a_call(sqlite_console: Console) -> None:
    person = await one_person(sqlite_console.db, mediator_id=sqlite_console.user_ids["mediator"])
    async with sqlite_console.db.session() as session:
        intake = await session.get(Intake, person.intake_id)
        assert intake is not None
        intake.contact_method, intake.contact_phone = "phone", "+306944556677"
        await session.commit()
    async with sqlite_console.client() as client:
        await login_ok(client, "kastoria")
        page = await client.get(f"/intakes/{person.intake_id}")
        assert 'href="tel:+306944556677"' in page.text and "694 455 6677" in page.text
        assert f'action="/intakes/{person.intake_id}/message"' not in page.text
        csrf = await page_csrf(client, f"/intakes/{person.intake_id}")
        refused = await client.post(f"/intakes/{person.intake_id}/message", data={"csrf_token": csrf, "text": "x"})
        assert "error=no_telegram" in refused.headers["location"]


async def test_staff_cancel_one_of_two_same_day_appointments(chat: LocalChat) -> None:
    console = await make_console(chat.app.services.db, secure=False)
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.client() as client:
        await login_ok(client, "kozani")
        day = (START + timedelta(days=2)).date().isoformat()
        csrf = await page_csrf(client, f"/appointments?day={day}")
        done = await client.post(
            f"/appointments/{person.kozani_later}/cancel?day={day}",
            data={"csrf_token": csrf, "message": "Η ψυχολόγος είναι άρρωστη."},
        )
        assert "notice=cancelled" in done.headers["location"]
    async with console.client() as client:  # the annex's visit, cancelled by its parent centre's staff
        await login_ok(client, "kastoria")
        csrf = await page_csrf(client, f"/appointments?day={day}")
        await client.post(
            f"/appointments/{person.annex_visit}/cancel?day={day}",
            data={"csrf_token": csrf, "message": "Ο διαμεσολαβητής λείπει."},
        )
    await deliver_outbox(chat.app, START + timedelta(minutes=1))
    await deliver_outbox(chat.app, START + timedelta(minutes=2))
    to_citizen = [m for m in chat.api.sent() if m.chat_id == CHAT]
    notice = next(m for m in to_citizen if "ψυχολόγος είναι άρρωστη" in m.text)
    text = html_to_text(notice.text)
    assert "12:00" in text and "Ψυχολόγος" in text and "Κοζάνης" in text and "10:00" not in text
    labels = [b["text"] for b in buttons_of(notice)]
    assert "📅 Νέο ραντεβού" in labels and any(
        "ραντεβού μου" in label.lower() or "Τα ραντεβού" in label for label in labels
    )
    to_mediator = [html_to_text(m.text) for m in chat.api.sent() if m.chat_id == MEDIATOR_CHAT]
    assert len(to_mediator) == 1 and NAME in to_mediator[0] and "Ο διαμεσολαβητής λείπει" in to_mediator[0]
    async with console.db.session() as session:
        other = await session.get(Appointment, person.kozani_visit)
        assert other is not None and other.status == "booked"  # the other one that day stands


async def test_two_records_of_one_person_are_merged_by_staff_only(sqlite_console: Console) -> None:
    console = sqlite_console
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:  # the same person, booked earlier by a mediator, no Telegram
        earlier = Citizen(
            telegram_id=None,
            name="Ασπασία Ι.",
            phone="+306944556677",
            consent_version="oral-1",
            consent_at=START,
            created_at=START,
            last_seen_at=START,
        )
        session.add(earlier)
        await session.flush()
        visit = await session.get(Appointment, person.kozani_visit)
        assert visit is not None
        visit.citizen_id = earlier.id
        await session.commit()
        earlier_id = earlier.id
    async with console.client() as client:
        await login_ok(client, "kozani")
        page = await client.get(f"/citizens/{person.citizen_id}")
        assert f'href="/citizens/{earlier_id}"' in page.text  # suggested, never merged by itself
        csrf = await page_csrf(client, f"/citizens/{person.citizen_id}")
        merged = await client.post(
            f"/citizens/{person.citizen_id}/merge", data={"csrf_token": csrf, "other_id": str(earlier_id)}
        )
        assert merged.status_code == 303
    async with console.db.session() as session:
        assert await session.get(Citizen, earlier_id) is None
        visit = await session.get(Appointment, person.kozani_visit)
        assert visit is not None and visit.citizen_id == person.citizen_id
        audit = await session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
        assert audit is not None and audit.details == {"merged": earlier_id} and NAME not in str(audit.details)
