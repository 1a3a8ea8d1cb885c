"""The waiting list end to end (queue for a full day → a freed seat offered → taken with one tap), and
reminders delivered from the database: on time, once, with one-tap confirm, and surviving a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.reminders import deliver_due_reminders
from core.booking import service, waitlist
from core.booking.availability import availability_for, bookable_days, free_slots
from core.booking.slots import local_day
from core.models import Citizen
from core.models.booking import BOOKED, HELD, Appointment, Reminder, WaitlistEntry
from tests.bot.conftest import make_settings

CENTRE = "unit-prespes"  # social worker on Tuesdays and Thursdays, 09:00-13:00: a day is quick to fill


def text(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def fill_first_day(chat: LocalChat) -> tuple[list[int], list[Appointment]]:
    db = chat.app.services.db
    now = datetime.now(UTC)
    async with db.session() as session:
        avail = await availability_for(session, CENTRE, "social_worker")
        assert avail is not None
        day = next(d.day for d in await bookable_days(session, avail, now=now) if d.free)
        slots = await free_slots(session, avail, day, now=now)
        people = [Citizen(telegram_id=610000 + i, language="el") for i in range(len(slots))]
        session.add_all(people)
        await session.commit()
    booked = []
    for person, slot in zip(people, slots, strict=True):
        async with db.write() as session:
            booked.append(
                await service.book(
                    session,
                    citizen_id=person.id,
                    centre_id=CENTRE,
                    service="social_worker",
                    starts_at=slot.starts_at,
                    now=now,
                )
            )
    return [p.id for p in people], booked


async def test_queue_for_a_full_day_then_take_the_freed_seat(chat: LocalChat) -> None:
    people, booked = await fill_first_day(chat)
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("θέλω ραντεβού")
    replies = await chat.say("Πρέσπες")
    await chat.press(next(b["text"] for m in replies for b in buttons_of(m) if "Λαιμός" in b["text"]))  # Prespes unit
    replies = await chat.press("👥 Κοινωνικός λειτουργός")
    full = [b["text"] for m in replies for b in buttons_of(m) if "🔔" in b["text"]]
    assert len(full) == 1  # the day we filled
    replies = await chat.press(full[0])
    assert "είναι γεμάτη" in text(replies)
    await chat.press("🔔 Βάλτε με στη λίστα αναμονής")
    await chat.say("Ελένη Κώστα")
    await chat.say("2385012345")
    replies = await chat.press("✅ Συμφωνώ")
    assert "Είστε στη λίστα αναμονής" in text(replies) and "σειρά: 1" in text(replies)
    # Someone cancels: the seat is held for our citizen and the offer arrives at once.
    now = datetime.now(UTC)
    async with chat.app.services.db.write() as session:
        await service.cancel(session, appointment_id=booked[3].id, citizen_id=people[3], now=now)
    assert await deliver_due_reminders(chat.app, now) == 1
    offer = chat.api.sent()[-1]
    assert "Ελευθερώθηκε ώρα" in html_to_text(offer.text)
    assert await deliver_due_reminders(chat.app, now) == 0  # never offered twice
    replies = await chat.press("✅ Την κλείνω")
    assert "Το ραντεβού κλείστηκε" in text(replies)
    async with chat.app.services.db.session() as session:
        mine = await session.scalar(
            select(Appointment).where(Appointment.starts_at == booked[3].starts_at, Appointment.status == BOOKED)
        )
    assert mine is not None and mine.citizen_id not in people
    replies = await chat.press_data(offer_data(offer))  # the offer's button again
    assert "δεν σας κρατιέται πια" in text(replies)


def offer_data(message: object) -> str:
    return str(buttons_of(message)[0]["callback_data"])  # type: ignore[arg-type]


async def test_reminders_are_sent_once_and_survive_a_restart(sqlite_url: str, nlu_cache_dir: Path) -> None:
    settings = make_settings(sqlite_url, nlu_cache_dir)
    api = RecordingBotApi()
    app = build_application(settings, request=api)
    async with app:
        await start_services(app)
        chat = LocalChat(app, api, user_id=4321)
        await chat.say("/start")
        await chat.press("🇬🇧 English")
        await chat.say("I want an appointment")
        await chat.say("Kozani")
        replies = await chat.press("📍 Kozani — Community Centre")
        await chat.press("👥 Social worker")
        await chat.press("⏩ The first free time")
        await chat.press("✅ Book this time")
        await chat.say("John Smith")
        await chat.say("6912345678")
        replies = await chat.press("✅ I agree")
        assert "Your appointment is booked" in text(replies)
        async with app.services.db.session() as session:
            appointment = await session.scalar(select(Appointment))
            reminders = {r.kind: r for r in (await session.scalars(select(Reminder))).all()}
        assert appointment is not None
        nothing_due = min(r.due_at for r in reminders.values()) - timedelta(minutes=1)
        assert await deliver_due_reminders(app, nothing_due) == 0
        await stop_services(app)
    # A restart: a new Application on the same database. The reminder that fell due meanwhile is sent once.
    first_due = min(r.due_at for r in reminders.values())
    for round_ in range(2):
        api = RecordingBotApi()
        app = build_application(settings, request=api)
        async with app:
            await start_services(app)
            sent = await deliver_due_reminders(app, first_due + timedelta(minutes=5))
            assert sent == (1 if round_ == 0 else 0)
            if round_ == 0:
                (message,) = api.sent()
                assert message.chat_id == 4321 and "⏰" in html_to_text(message.text)
                assert local_day(appointment.starts_at).strftime("%-d") in html_to_text(message.text)
                chat = LocalChat(app, api, user_id=4321)
                replies = await chat.press("✅ I will come")
                assert "See you on" in text(replies)
            await stop_services(app)
    async with app.services.db.session() as session:
        rows = (await session.scalars(select(Reminder).order_by(Reminder.due_at))).all()
        confirmed = await session.get(Appointment, appointment.id)
    assert rows[0].sent_at is not None and all(r.sent_at is None for r in rows[1:])
    assert confirmed is not None and confirmed.confirmed_at is not None


async def test_a_held_seat_and_a_waiting_place_are_listed_and_left(chat: LocalChat) -> None:
    """«Τα ραντεβού μου» lists a seat held from the waiting list (with the hold's end) and a waiting-list place,
    each with a way out; leaving the held seat gives it to the next in line."""
    people, booked = await fill_first_day(chat)
    db = chat.app.services.db
    now = datetime.now(UTC)
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    replies = await chat.say("τα ραντεβού μου")
    assert "Δεν έχετε ραντεβού" in text(replies)
    async with db.session() as session:
        me = await session.scalar(select(Citizen).where(Citizen.telegram_id == int(str(chat.user["id"]))))
        if me is None:
            me = Citizen(telegram_id=int(str(chat.user["id"])), language="el")
            session.add(me)
        second = Citizen(telegram_id=620001, language="el")
        session.add(second)
        await session.commit()
    day = local_day(booked[0].starts_at)
    async with db.write() as session:
        mine = await waitlist.join_waitlist(
            session, citizen_id=me.id, centre_id=CENTRE, service="social_worker", day=day, now=now
        )
        nxt = await waitlist.join_waitlist(
            session, citizen_id=second.id, centre_id=CENTRE, service="social_worker", day=day, now=now
        )
    replies = await chat.say("τα ραντεβού μου")
    assert "Λίστα αναμονής" in text(replies) and "Σειρά σας: 1" in text(replies)
    assert "🚪 Βγαίνω από τη λίστα" in [b["text"] for m in replies for b in buttons_of(m)]
    # A seat frees up: it is held for us, and the list says so, with until when.
    async with db.write() as session:
        await service.cancel(session, appointment_id=booked[0].id, citizen_id=people[0], now=now)
    replies = await chat.say("τα ραντεβού μου")
    assert "Σας κρατάμε ώρα" in text(replies) and "Σας την κρατάμε ως" in text(replies)
    assert "✅ Την κλείνω" in [b["text"] for m in replies for b in buttons_of(m)]
    replies = await chat.press("🚪 Βγαίνω από τη λίστα")
    assert "Βγήκατε από τη λίστα αναμονής" in text(replies)
    async with db.session() as session:
        hold = await session.scalar(select(Appointment).where(Appointment.status == HELD))
        statuses = {e.id: e.status for e in (await session.scalars(select(WaitlistEntry))).all()}
    assert hold is not None and hold.citizen_id == second.id  # the seat went to the next in line
    assert statuses[mine.id] == "left" and statuses[nxt.id] == "offered"
    replies = await chat.press_data(f"wl:l:{mine.id}")  # the same button again changes nothing
    assert "Δεν είστε πια σε αυτή τη λίστα" in text(replies)
