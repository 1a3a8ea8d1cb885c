"""Booking by staff for a walk-in or a phone caller: oral consent and staff as booker recorded, the citizen record
created or (when staff confirm it) reused, the same no-double-booking guarantee as the bot, scope and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.booking import service
from core.booking.slots import ATHENS
from core.models import AuditEvent, Citizen
from core.models.booking import Appointment
from tests.staff_console.conftest import START, Console, login_ok, page_csrf

# START is Wednesday 25/11/2026 11:00 in Athens: 11:30 today is inside the bot's 12-hour notice.
TODAY = "2026-11-25"
HALF_PAST_ELEVEN = (START + timedelta(minutes=30)).isoformat()
FORM = "/appointments/new?centre=kk-kozani&service=social_worker&day=" + TODAY


def booking(csrf: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "centre": "kk-kozani",
        "service": "social_worker",
        "day": TODAY,
        "start": HALF_PAST_ELEVEN,
        "name": "Ελένη Δημητρίου",
        "phone": "691 234 5678",
        "via": "phone",
        "consent": "1",
        **extra,
    }


async def count(console: Console, model: type) -> int:
    async with console.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_staff_book_a_phone_caller_today_once(console: Console) -> None:
    async with console.client() as client:
        await login_ok(client, "kozani")
        form = await client.get(FORM)
        assert form.status_code == 200
        assert 'value="' + HALF_PAST_ELEVEN + '"' in form.text  # today, inside the bot's notice: offered to staff
        citizens_before = await count(console, Citizen)
        done = await client.post("/appointments/new", data=booking(await page_csrf(client, FORM)))
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"/appointments?day={TODAY}&centre=kk-kozani&notice=booked"
        day = await client.get(done.headers["location"])
        assert "Το ραντεβού κλείστηκε." in day.text and "Ελένη Δημητρίου" in day.text
        assert "Προσωπικό (τηλέφωνο ή αυτοπροσώπως)" in day.text
        # The same seat again (social workers have one seat a slot): refused, nothing written.
        again = await client.post(
            "/appointments/new", data=booking(await page_csrf(client, FORM), name="Άλλος Πολίτης", phone="")
        )
        assert again.status_code == 409 and "μόλις κλείστηκε από άλλον" in again.text
        assert 'value="' + HALF_PAST_ELEVEN + '" disabled' in again.text
    async with console.db.session() as session:
        rows = (await session.scalars(select(Appointment))).all()
        assert len(rows) == 1
        made = rows[0]
        assert (made.booked_by_kind, made.booked_by_staff_id, made.consent_kind) == (
            "staff",
            console.user_ids["kozani"],
            "oral",
        )
        assert made.starts_at.astimezone(ATHENS).strftime("%H:%M") == "11:30" and made.seat == 1
        citizen = await session.get(Citizen, made.citizen_id)
        assert citizen is not None and citizen.telegram_id is None
        assert (citizen.name, citizen.phone, citizen.consent_version) == ("Ελένη Δημητρίου", "+306912345678", "oral-1")
        events = (
            await session.execute(
                select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.record_kind, AuditEvent.details)
                .where(AuditEvent.action.in_(("create", "book")))
                .order_by(AuditEvent.id)
            )
        ).all()
    assert await count(console, Citizen) == citizens_before + 1
    actor = str(console.user_ids["kozani"])
    assert [(e[0], e[1], e[2]) for e in events] == [
        (actor, "create", "citizen"),
        (actor, "create", "appointment"),
        (actor, "book", "appointment"),
    ]
    assert events[2][3] == {"consent": "oral", "via": "phone"}


async def test_no_consent_bad_phone_or_foreign_centre_change_nothing(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, FORM)
        for data, words in (
            ({"consent": ""}, "προφορική συγκατάθεση"),
            ({"phone": "12"}, "ελληνικό αριθμό"),
            ({"name": "1234"}, "ονοματεπώνυμο"),
            ({"start": "yesterday"}, "Διαλέξτε μια ώρα"),
            ({"centre": "kk-kastoria"}, "Επιλέξτε Κέντρο και υπηρεσία"),  # not a centre this account sees
        ):
            response = await client.post("/appointments/new", data=booking(csrf, **data))
            assert response.status_code == 400 and words in response.text, data
        # A slot that already started is refused by core, as for the bot.
        late = await client.post("/appointments/new", data=booking(csrf, start=START.isoformat()))
        assert late.status_code == 409 and "δεν μπορεί πια να κλειστεί" in late.text
        # Coordinators read only; mediators book through Telegram.
    for username in ("coord", "mediator"):
        async with console.client() as client:
            await login_ok(client, username)
            assert (await client.get(FORM)).status_code == 403
    assert await count(console, Appointment) == 0
    assert await count(console, Citizen) == 0


async def _citizen_with_visit(console: Console, *, name: str, centre: str) -> int:
    async with console.db.session() as session:
        citizen = Citizen(telegram_id=None, name=name, phone="+306912345678", created_at=START, last_seen_at=START)
        session.add(citizen)
        await session.flush()
        session.add(
            Appointment(
                centre_id=centre,
                service="social_worker",
                starts_at=START - timedelta(days=7),
                ends_at=START - timedelta(days=7, minutes=-30),
                seat=None,
                citizen_id=citizen.id,
                status="attended",
                created_at=START - timedelta(days=8),
            )
        )
        await session.commit()
        return citizen.id


async def test_same_phone_asks_which_record_in_scope_only(sqlite_console: Console) -> None:
    console = sqlite_console
    known = await _citizen_with_visit(console, name="Ελένη Δ.", centre="kk-kozani")
    elsewhere = await _citizen_with_visit(console, name="Κρυφή Καστοριανή", centre="kk-kastoria")
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, FORM)
        ask = await client.post("/appointments/new", data=booking(csrf))
        assert ask.status_code == 400 and "Υπάρχει ήδη πολίτης με αυτό το τηλέφωνο" in ask.text
        assert "Ελένη Δ." in ask.text and f'value="{known}"' in ask.text
        assert "Κρυφή Καστοριανή" not in ask.text  # the other centre's citizen is never revealed
        # A record not offered (another centre's) is not reused even if its id is sent: a new record is made.
        forged = await client.post("/appointments/new", data=booking(csrf, citizen=str(elsewhere)))
        assert forged.status_code == 400  # still asked: the choice must be one of those offered
        reused = await client.post("/appointments/new", data=booking(csrf, citizen=str(known)))
        assert reused.status_code == 303, reused.text
    async with console.db.session() as session:
        made = await session.scalar(select(Appointment).where(Appointment.status == "booked"))
        assert made is not None and made.citizen_id == known
        viewed = (
            await session.scalars(
                select(AuditEvent.record_id).where(AuditEvent.action == "view", AuditEvent.record_kind == "citizen")
            )
        ).all()
    assert await count(console, Citizen) == 2  # nobody new
    assert set(viewed) == {str(known)}


async def test_new_record_when_staff_say_it_is_someone_else(sqlite_console: Console) -> None:
    console = sqlite_console
    await _citizen_with_visit(console, name="Ελένη Δ.", centre="kk-kozani")
    async with console.client() as client:
        await login_ok(client, "kozani")
        done = await client.post("/appointments/new", data=booking(await page_csrf(client, FORM), citizen="new"))
        assert done.status_code == 303
    assert await count(console, Citizen) == 2


async def test_book_keeps_its_old_callers_and_checks_the_booker(sqlite_console: Console) -> None:
    db = sqlite_console.db
    mediator = sqlite_console.user_ids["mediator"]
    async with db.session() as session:
        people = [Citizen(telegram_id=None, name=f"Π {i}") for i in range(3)]
        session.add_all(people)
        await session.commit()
        ids = [p.id for p in people]
    monday = START + timedelta(days=5)  # Monday 30/11 11:00 Athens
    async with db.write() as session:
        by_mediator = await service.book(
            session,
            citizen_id=ids[0],
            centre_id="annex-roma-kastoria",
            service="social_worker",
            starts_at=monday,
            now=START,
            consent_kind="oral",
            booked_by_staff_id=mediator,
        )
        by_citizen = await service.book(
            session, citizen_id=ids[1], centre_id="kk-kozani", service="social_worker", starts_at=monday, now=START
        )
        assert (by_mediator.booked_by_kind, by_citizen.booked_by_kind) == ("mediator", "citizen")
        for bad in (
            {"booked_by_kind": "staff"},  # staff need their account id
            {"booked_by_kind": "citizen", "booked_by_staff_id": mediator},
            {"booked_by_kind": "robot", "booked_by_staff_id": mediator},
            {"notice": False},  # only staff skip the notice
        ):
            with pytest.raises(ValueError):
                await service.book(
                    session,
                    citizen_id=ids[2],
                    centre_id="kk-kozani",
                    service="psychologist",
                    starts_at=monday,
                    now=START,
                    **bad,
                )
