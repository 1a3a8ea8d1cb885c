"""Bookable hours, seats and closed days: a change that would affect a booking is refused and lists it; hours and
seats may then be saved keeping exactly those bookings; a closure waits until the day's bookings are moved or
cancelled; the bot's booking follows every change; scope, audit."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.booking import service
from core.booking.availability import availability_for, free_slots
from core.booking.errors import NotBookable, SlotTaken
from core.booking.schedule_changes import ScheduleError, parse_periods
from core.booking.slots import ATHENS
from core.db import Database
from core.models import AuditEvent, Citizen
from core.models.booking import Appointment, Availability, Closure, WaitlistEntry
from tests.staff_console.conftest import START, Console, login_ok, page_csrf

MONDAY = date(2026, 11, 30)
STANDARD = "09:00-13:00, 13:30-15:00"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), ATHENS)


async def citizen(db: Database, name: str) -> int:
    async with db.session() as session:
        person = Citizen(telegram_id=None, name=name, phone=None, created_at=START, last_seen_at=START)
        session.add(person)
        await session.commit()
        return person.id


async def bot_books(db: Database, who: int, when: datetime, what: str = "social_worker") -> Appointment:
    async with db.write() as session:
        return await service.book(
            session, citizen_id=who, centre_id="kk-kozani", service=what, starts_at=when, now=START
        )


def hours_form(csrf: str, what: str = "social_worker", **days: str) -> dict[str, str]:
    form = {"csrf_token": csrf, "centre": "kk-kozani", "service": what}
    form |= {f"day_{d}": STANDARD for d in ("mon", "tue", "wed", "thu", "fri")} | {"day_sat": "", "day_sun": ""}
    form |= {"slot_minutes": "30", "seats": "1", "window_days": "28", "min_notice_hours": "12", "active": "1"}
    return form | days


def confirm_form(page: str) -> dict[str, str]:
    """The hidden fields of the "save, keeping these bookings" form of a conflict page."""
    section = page.split('action="/hours" class="stack narrow">', 1)[1].split("</form>", 1)[0]
    return {name: html.unescape(value) for name, value in HIDDEN.findall(section)}


async def weekly(db: Database, what: str = "social_worker") -> dict[str, list[list[str]]]:
    async with db.session() as session:
        avail = await availability_for(session, "kk-kozani", what)
        assert avail is not None
        return dict(avail.weekly)


async def test_shorter_hours_list_the_booking_then_keep_it(console: Console) -> None:
    db = console.db
    late = await bot_books(db, await citizen(db, "Νίκος Απογευματινός"), at(MONDAY, "14:30"))
    async with console.client() as client:
        await login_ok(client, "kozani")
        page = await client.get("/hours")
        assert (
            page.status_code == 200 and "Κοινωνικός λειτουργός" in page.text and "09:00–13:00, 13:30–15:00" in page.text
        )
        csrf = await page_csrf(client, "/hours")
        refused = await client.post("/hours", data=hours_form(csrf, day_mon="09:00-13:00"))
        assert refused.status_code == 409
        assert (
            "Νίκος Απογευματινός" in refused.text
            and "/appointments?day=2026-11-30&amp;centre=kk-kozani" in refused.text
        )
        assert await weekly(db) == {
            d: [["09:00", "13:00"], ["13:30", "15:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
        }
        # Meanwhile someone books Tuesday afternoon: confirming the old list must not cover a change to Tuesday.
        other = await bot_books(db, await citizen(db, "Τασία Τρίτη"), at(MONDAY + timedelta(days=1), "14:00"))
        stale = confirm_form(refused.text) | {"day_tue": "09:00-13:00"}
        again = await client.post("/hours", data=stale)
        assert again.status_code == 409 and "Τασία Τρίτη" in again.text
        kept = await client.post("/hours", data=confirm_form(refused.text))
        assert kept.status_code == 303 and kept.headers["location"] == "/hours?centre=kk-kozani&notice=hours_kept"
    assert (await weekly(db))["mon"] == [["09:00", "13:00"]]
    async with db.session() as session:
        assert [
            (a.id, a.status) for a in (await session.scalars(select(Appointment).order_by(Appointment.id))).all()
        ] == [
            (late.id, "booked"),
            (other.id, "booked"),
        ]
        event = await session.scalar(select(AuditEvent).where(AuditEvent.record_kind == "availability"))
        assert event is not None and event.actor_id == str(console.user_ids["kozani"])
        assert event.details == {"fields": ["weekly"], "kept": [late.id]}
        avail = await availability_for(session, "kk-kozani", "social_worker")
        assert avail is not None and avail.updated_by == "kozani"
        starts = [s.starts_at for s in await free_slots(session, avail, MONDAY, now=START)]
    assert at(MONDAY, "12:30") in starts and at(MONDAY, "13:30") not in starts
    with pytest.raises(NotBookable):  # the bot no longer offers Monday afternoon
        await bot_books(db, await citizen(db, "Τρίτος"), at(MONDAY, "14:00"))


async def test_fewer_seats_renumber_and_never_overbook(sqlite_console: Console) -> None:
    db = sqlite_console.db
    ten = at(MONDAY, "10:00")  # applications: 20-minute slots, 2 seats at a centre
    first = await bot_books(db, await citizen(db, "Α"), ten, "applications")
    second = await bot_books(db, await citizen(db, "Β"), ten, "applications")
    assert (first.seat, second.seat) == (1, 2)
    async with sqlite_console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/hours")
        form = hours_form(csrf, "applications", slot_minutes="20", seats="1")
        refused = await client.post("/hours", data=form)
        assert refused.status_code == 409 and f'name="keep" value="{second.id}"' in refused.text
        assert (await client.post("/hours", data=confirm_form(refused.text))).status_code == 303
        # Both kept; the slot is over its one seat, so a third booking is refused even after one cancels.
        async with db.write() as session:
            await service.cancel(session, appointment_id=first.id, now=START, centre_id="kk-kozani")
        with pytest.raises(SlotTaken):
            await bot_books(db, await citizen(db, "Γ"), ten, "applications")
        # Seats back to 2 and down to 1 again: the remaining booking fits, is not listed, moves to seat 1.
        assert (await client.post("/hours", data=form | {"seats": "2"})).status_code == 303
        assert (await client.post("/hours", data=form)).status_code == 303
    async with db.session() as session:
        remaining = await session.get(Appointment, second.id)
        assert remaining is not None and (remaining.status, remaining.seat) == ("booked", 1)


async def test_a_new_seat_goes_to_the_days_waiting_list(sqlite_console: Console) -> None:
    db = sqlite_console.db
    async with sqlite_console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/hours")
        one_slot = hours_form(csrf, day_mon="09:00-09:30")
        assert (await client.post("/hours", data=one_slot)).status_code == 303
        await bot_books(db, await citizen(db, "Πρώτη"), at(MONDAY, "09:00"))
        async with db.session() as session:
            waiting = Citizen(telegram_id=777001, name="Περιμένει", created_at=START, last_seen_at=START)
            session.add(waiting)
            await session.flush()
            session.add(
                WaitlistEntry(
                    citizen_id=waiting.id,
                    centre_id="kk-kozani",
                    service="social_worker",
                    day=MONDAY,
                    status="waiting",
                    created_at=START,
                )
            )
            await session.commit()
        assert (await client.post("/hours", data=one_slot | {"seats": "2"})).status_code == 303
    async with db.session() as session:
        entry = await session.scalar(select(WaitlistEntry))
        assert entry is not None and entry.status == "offered" and entry.hold_appointment_id is not None
        hold = await session.get(Appointment, entry.hold_appointment_id)
        assert hold is not None and (hold.status, hold.seat, hold.starts_at) == ("held", 2, at(MONDAY, "09:00"))
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.record_kind == "availability").order_by(AuditEvent.id.desc())
        )
        assert event is not None and event.details == {"fields": ["seats"], "offers": 1}


async def test_a_closure_waits_for_the_days_bookings(console: Console) -> None:
    db = console.db
    visit = await bot_books(db, await citizen(db, "Ελένη Δευτέρα"), at(MONDAY, "10:00"))
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/hours")
        closing = {"csrf_token": csrf, "centre": "kk-kozani", "day": MONDAY.isoformat(), "reason": "Τοπική αργία"}
        refused = await client.post("/closures", data=closing)
        assert refused.status_code == 409 and "Ελένη Δευτέρα" in refused.text
        assert "Μετακινήστε ή ακυρώστε πρώτα" in refused.text
        cancelled = await client.post(
            f"/appointments/{visit.id}/cancel", data={"csrf_token": csrf, "message": "Το Κέντρο θα είναι κλειστό."}
        )
        assert cancelled.status_code == 303
        added = await client.post("/closures", data=closing)
        assert added.status_code == 303 and added.headers["location"] == "/hours?centre=kk-kozani&notice=closed_day"
        assert (await client.post("/closures", data=closing)).status_code == 400  # already closed
        shown = await client.get("/hours")
        assert "Τοπική αργία" in shown.text and "30/11/2026" in shown.text
        with pytest.raises(NotBookable):
            await bot_books(db, await citizen(db, "Κάποιος"), at(MONDAY, "11:00"))
        async with db.session() as session:
            closure = await session.scalar(select(Closure).where(Closure.centre_id == "kk-kozani"))
            assert closure is not None and closure.day == MONDAY
        opened = await client.post(f"/closures/{closure.id}/delete", data={"csrf_token": csrf, "centre": "kk-kozani"})
        assert opened.status_code == 303
    await bot_books(db, await citizen(db, "Κάποιος Άλλος"), at(MONDAY, "11:00"))
    async with db.session() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.record_kind == "closure").order_by(AuditEvent.id)
            )
        ).all()
    assert actions == ["create", "delete"]


async def test_scope_and_bad_input(sqlite_console: Console) -> None:
    console = sqlite_console
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/hours")
        assert (await client.post("/hours", data=hours_form(csrf) | {"centre": "kk-kastoria"})).status_code == 404
        base = {"csrf_token": csrf, "day": "2026-12-01"}
        assert (await client.post("/closures", data=base | {"centre": "kk-kastoria"})).status_code == 404
        assert (await client.post("/closures", data=base | {"centre": "kk-kozani", "scope": "all"})).status_code == 404
        for bad, words in (
            ({"day_mon": "9 ως 1"}, "09:00-13:00"),
            ({"day_mon": "13:00-09:00"}, "αρχίζει πριν τελειώσει"),
            ({"day_mon": "09:00-12:00, 11:00-13:00"}, "επικαλύπτονται"),
            ({"seats": "0"}, "Θέσεις ανά ώρα"),
            ({"service": "astrology"}, "δεν υπάρχει"),
        ):
            response = await client.post("/hours", data=hours_form(csrf) | bad)
            assert response.status_code == 400 and words in response.text, bad
        past = await client.post("/closures", data=base | {"centre": "kk-kozani", "day": "2026-11-24"})
        assert past.status_code == 400 and "έχει περάσει" in past.text
    async with console.client() as client:  # a parent centre closes its regional unit; an admin closes all
        await login_ok(client, "kastoria")
        csrf = await page_csrf(client, "/hours?centre=unit-nestorio")
        ok = await client.post("/closures", data={"csrf_token": csrf, "centre": "unit-nestorio", "day": "2026-12-03"})
        assert ok.status_code == 303
    async with console.client() as client:
        await login_ok(client, "admin")
        csrf = await page_csrf(client, "/hours")
        every = {"csrf_token": csrf, "centre": "kk-kozani", "day": "2026-12-04", "scope": "all"}
        assert (await client.post("/closures", data=every)).status_code == 303
    async with console.db.session() as session:
        rows = (await session.execute(select(Closure.centre_id, Closure.day).order_by(Closure.day))).all()
        untouched = await session.scalar(
            select(Availability.weekly).where(
                Availability.centre_id == "kk-kozani", Availability.service == "social_worker"
            )
        )
    assert [tuple(r) for r in rows] == [("unit-nestorio", date(2026, 12, 3)), (None, date(2026, 12, 4))]
    assert untouched is not None and untouched["mon"] == [["09:00", "13:00"], ["13:30", "15:00"]]


def test_periods_as_staff_type_them() -> None:
    assert parse_periods("9:00-13:00, 13.30 – 15:00") == [["09:00", "13:00"], ["13:30", "15:00"]]
    assert parse_periods("") == [] and parse_periods(" , ") == []
    for bad in ("9-13", "25:00-26:00", "10:00-10:00", "12:00-13:00, 09:00-10:00"):
        with pytest.raises(ScheduleError):
            parse_periods(bad)
