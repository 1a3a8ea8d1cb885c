"""Staff move an appointment to another free time from the console: the citizen's notice names which appointment
moved from when to when (with buttons), the booking mediator is told, the move is audited; a taken time, a time
that is not a slot, a forged value and another centre's appointment change nothing; two staff racing for the
last seat of a time get it once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.outbox_delivery import deliver_outbox
from core.db import Database
from core.models import AuditEvent, Citizen
from core.models.booking import Appointment, Reminder, WaitlistEntry
from core.models.handoff import OutboxMessage
from tests.staff_console.conftest import START, Console, login_ok, make_console, page_csrf
from tests.staff_console.test_person import CHAT, MEDIATOR_CHAT, NAME, one_person

DAY = (START + timedelta(days=2)).date()  # Friday 27 November 2026: the person's appointments are that day


def at(hour: int, minute: int = 0) -> datetime:
    """A time of DAY in Athens (UTC+2 in winter), as UTC."""
    return datetime(DAY.year, DAY.month, DAY.day, hour - 2, minute, tzinfo=UTC)


async def post_move(
    client: httpx.AsyncClient, appointment_id: int, starts_at: str, *, message: str = ""
) -> httpx.Response:
    csrf = await page_csrf(client, "/password")
    return await client.post(
        f"/appointments/{appointment_id}/move",
        data={"csrf_token": csrf, "starts_at": starts_at, "message": message, "day": DAY.isoformat(), "back": "person"},
    )


async def snapshot(db: Database) -> tuple[list[tuple[int, str, datetime, int | None]], int, int]:
    """Every appointment (id, status, start, seat), the outbox rows and the move audit events."""
    async with db.session() as session:
        rows = (
            await session.execute(
                select(Appointment.id, Appointment.status, Appointment.starts_at, Appointment.seat).order_by(
                    Appointment.id
                )
            )
        ).all()
        outbox = int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
        moves = int(await session.scalar(select(func.count()).where(AuditEvent.action == "move")) or 0)
    return [tuple(r) for r in rows], outbox, moves  # type: ignore[misc]


async def test_staff_move_an_appointment_and_the_citizen_and_mediator_are_told(chat: LocalChat) -> None:
    console = await make_console(chat.app.services.db, secure=False)
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.client() as client:
        await login_ok(client, "kozani")
        form = await client.get(f"/appointments/{person.kozani_visit}/move?day={DAY.isoformat()}&back=person")
        assert form.status_code == 200 and NAME in form.text
        assert f'value="{at(11).isoformat()}"' in form.text  # a free time of the same service
        assert f'value="{at(10).isoformat()}"' not in form.text  # not its own time
        moved = await post_move(
            client, person.kozani_visit, at(11).isoformat(), message="Η κοινωνική λειτουργός λείπει το πρωί."
        )
        assert moved.status_code == 303 and "notice=moved" in moved.headers["location"]
        page = await client.get(moved.headers["location"])
        assert "μεταφέρθηκε στις 27/11/2026 11:00" in page.text
    async with console.client() as client:  # the annex visit a mediator booked, moved by the parent centre's staff
        await login_ok(client, "kastoria")
        assert (await post_move(client, person.annex_visit, at(12).isoformat())).status_code == 303

    async with console.db.session() as session:
        old = await session.get(Appointment, person.kozani_visit)
        assert old is not None and old.status == "cancelled" and old.seat is None
        new = await session.scalar(select(Appointment).where(Appointment.rescheduled_from_id == person.kozani_visit))
        assert new is not None and new.status == "booked" and new.starts_at == at(11) and new.seat == 1
        assert (new.centre_id, new.service, new.citizen_id) == ("kk-kozani", "social_worker", person.citizen_id)
        annex = await session.scalar(select(Appointment).where(Appointment.rescheduled_from_id == person.annex_visit))
        assert annex is not None and annex.booked_by_kind == "mediator" and annex.settlement == "Άργος"
        reminders = (await session.scalars(select(Reminder.kind).where(Reminder.appointment_id == new.id))).all()
        assert reminders  # the new time is reminded, the old one no longer
        audit = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "move", AuditEvent.record_id == str(person.kozani_visit))
        )
        assert (
            audit is not None and audit.details == {"to": new.id} and audit.actor_id == str(console.user_ids["kozani"])
        )

    for minute in (1, 2, 3):  # later rounds never send it again
        await deliver_outbox(chat.app, START + timedelta(minutes=minute))
    notices = [m for m in chat.api.sent() if m.chat_id == CHAT and "κοινωνική λειτουργός λείπει" in m.text]
    assert len(notices) == 1
    assert "\n🕘 Παλιά ώρα" in notices[0].text and "\n💬" in notices[0].text  # one thing a line
    text = html_to_text(notices[0].text)
    assert "Παλιά ώρα: Παρασκευή 27 Νοεμβρίου, 10:00" in text and "Νέα ώρα: Παρασκευή 27 Νοεμβρίου, 11:00" in text
    assert "Κοινωνικός λειτουργός" in text and "Κοζάνης" in text and "12:00" not in text
    labels = [b["text"] for b in buttons_of(notices[0])]
    assert "📅 Νέο ραντεβού" in labels and len(labels) == 2
    to_mediator = [html_to_text(m.text) for m in chat.api.sent() if m.chat_id == MEDIATOR_CHAT]
    assert len(to_mediator) == 1 and NAME in to_mediator[0]
    assert "Παλιά ώρα: Παρασκευή 27 Νοεμβρίου, 10:00" in to_mediator[0] and "12:00" in to_mediator[0]


async def test_a_taken_or_unbookable_time_changes_nothing(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:  # someone else holds 11:00 (the service has one seat a time)
        other = Citizen(telegram_id=777001, created_at=START, last_seen_at=START)
        session.add(other)
        await session.flush()
        session.add(
            Appointment(
                centre_id="kk-kozani",
                service="social_worker",
                starts_at=at(11),
                ends_at=at(11, 30),
                seat=1,
                citizen_id=other.id,
                status="booked",
                created_at=START,
            )
        )
        await session.commit()
    before = await snapshot(console.db)
    async with console.client() as client:
        await login_ok(client, "kozani")
        form = await client.get(f"/appointments/{person.kozani_visit}/move?day={DAY.isoformat()}")
        assert f'value="{at(11).isoformat()}"' not in form.text and f'value="{at(11, 30).isoformat()}"' in form.text
        for value, error in (
            (at(11).isoformat(), "taken"),
            (at(10, 10).isoformat(), "not_bookable"),  # not one of the slots
            ((at(11) + timedelta(days=1)).isoformat(), "not_bookable"),  # a Saturday
            ((START + timedelta(hours=1)).isoformat(), "not_bookable"),  # too soon
            (at(10).isoformat(), "not_bookable"),  # its own time
            ("tomorrow at ten", "choose"),
            ("2026-11-27T09:00:00", "choose"),  # no time zone: not what the form sends
        ):
            refused = await post_move(client, person.kozani_visit, value)
            assert refused.status_code == 303 and f"error={error}" in refused.headers["location"], value
            page = await client.get(refused.headers["location"])
            assert page.status_code == 200 and 'role="alert"' in page.text
    assert await snapshot(console.db) == before


async def test_a_forged_or_other_centres_move_changes_nothing(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    before = await snapshot(console.db)
    target = at(11).isoformat()
    cases = [
        ("kozani", person.nestorio_visit, 404),  # another centre's appointment
        ("nestorio", person.kozani_visit, 404),
        ("mediator", person.kozani_visit, 404),  # a mediator moves only their annex's visits
        ("kozani", 999999, 404),
        ("coord", person.kozani_visit, 403),  # coordinators only read
    ]
    for username, appointment_id, status in cases:
        async with console.client() as client:
            await login_ok(client, username)
            assert (await post_move(client, appointment_id, target)).status_code == status, username
            form = await client.get(f"/appointments/{appointment_id}/move")
            assert form.status_code == status, username
    async with console.client() as client:  # a forged form without the session's token
        await login_ok(client, "kozani")
        forged = await client.post(
            f"/appointments/{person.kozani_visit}/move", data={"csrf_token": "forged", "starts_at": target}
        )
        assert forged.status_code == 403
    assert await snapshot(console.db) == before


async def test_two_staff_racing_for_one_seat_get_it_once(console: Console) -> None:
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:  # a second citizen at 09:00 the same day, same service
        other = Citizen(telegram_id=777002, created_at=START, last_seen_at=START)
        session.add(other)
        await session.flush()
        rival = Appointment(
            centre_id="kk-kozani",
            service="social_worker",
            starts_at=at(9),
            ends_at=at(9, 30),
            seat=1,
            citizen_id=other.id,
            status="booked",
            created_at=START,
        )
        session.add(rival)
        await session.commit()
        rival_id = rival.id
    async with console.client() as first, console.client() as second:
        await login_ok(first, "kozani")
        await login_ok(second, "admin")
        results = await asyncio.gather(
            post_move(first, person.kozani_visit, at(11).isoformat()),
            post_move(second, rival_id, at(11).isoformat()),
        )
    outcomes = sorted("taken" if "error=taken" in r.headers["location"] else "moved" for r in results)
    assert outcomes == ["moved", "taken"]
    async with console.db.session() as session:
        at_eleven = (
            await session.scalars(
                select(Appointment).where(
                    Appointment.centre_id == "kk-kozani",
                    Appointment.service == "social_worker",
                    Appointment.starts_at == at(11),
                    Appointment.status == "booked",
                )
            )
        ).all()
        still = (
            await session.scalars(select(Appointment.status).where(Appointment.id.in_([person.kozani_visit, rival_id])))
        ).all()
    assert len(at_eleven) == 1 and sorted(still) == ["booked", "cancelled"]


async def test_the_freed_time_goes_to_the_waiting_list_and_free_days_are_offered(sqlite_console: Console) -> None:
    console = sqlite_console
    person = await one_person(console.db, mediator_id=console.user_ids["mediator"])
    async with console.db.session() as session:
        waiting = Citizen(telegram_id=777003, created_at=START, last_seen_at=START)
        session.add(waiting)
        await session.flush()
        entry = WaitlistEntry(
            citizen_id=waiting.id, centre_id="kk-kozani", service="social_worker", day=DAY, created_at=START
        )
        session.add(entry)
        await session.commit()
        waiting_id, entry_id = waiting.id, entry.id
    async with console.client() as client:
        await login_ok(client, "kozani")
        form = await client.get(f"/appointments/{person.kozani_visit}/move")
        assert f"day={DAY.isoformat()}" in form.text and "27/11/2026" in form.text  # the days with free times
        assert (await post_move(client, person.kozani_visit, at(11).isoformat())).status_code == 303
    async with console.db.session() as session:
        hold = await session.scalar(
            select(Appointment).where(Appointment.citizen_id == waiting_id, Appointment.starts_at == at(10))
        )
        assert hold is not None and hold.status == "held" and hold.seat == 1
        offered = await session.get(WaitlistEntry, entry_id)
        assert offered is not None and offered.status == "offered"
