"""The citizen's booking flow through the real Application: booking with an .ics file, saved details, and the
kind answers to stale buttons, double taps, past dates and cancelling twice — each changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.booking import service
from core.booking.availability import availability_for, bookable_days, free_slots
from core.booking.slots import local
from core.models import Citizen
from core.models.booking import BOOKED, CANCELLED, Appointment
from knowledge import greek

CENTRE_BUTTON = "📍 Φλώρινα — Κέντρο Κοινότητας"


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def choose_service(chat: LocalChat, register_label: str = "🇬🇷 Ελληνικά") -> list[SentMessage]:
    await chat.say("/start")
    await chat.press(register_label)
    replies = await chat.say("Θέλω να κλείσω ραντεβού")
    assert any(s in text_of(replies) for s in ("Σε ποιο Κέντρο", "Πού μένετε", "Στο ίδιο Κέντρο"))
    replies = await chat.say("Φλώρινα")
    assert CENTRE_BUTTON in labels(replies)
    assert "📍 Φλώρινα — Παράρτημα Ρομά" in labels(replies)  # the annex is offered
    await chat.press(CENTRE_BUTTON)
    return await chat.press("👥 Κοινωνικός λειτουργός")


async def book_first_free(chat: LocalChat) -> list[SentMessage]:
    await choose_service(chat)
    await chat.press("⏩ Η πρώτη ελεύθερη ώρα")
    await chat.press("✅ Κλείστε αυτή την ώρα")
    replies = await chat.say("Μαρία Παπαδοπούλου")
    assert "τηλέφωνο" in text_of(replies)
    replies = await chat.say("12345")
    assert "δεν μοιάζει με ελληνικό αριθμό" in text_of(replies)
    await chat.say("691 234 5678")
    return await chat.press("✅ Συμφωνώ")


async def appointments(chat: LocalChat) -> list[Appointment]:
    async with chat.app.services.db.session() as session:
        return list((await session.scalars(select(Appointment).order_by(Appointment.id))).all())


async def test_booking_confirms_with_an_ics_file_and_remembers_the_details(chat: LocalChat) -> None:
    replies = await book_first_free(chat)
    text = text_of(replies)
    assert "Το ραντεβού κλείστηκε" in text and "ώρα Ελλάδας" in text
    assert "η ακριβής διεύθυνση δεν είναι ακόμη γνωστή" in text  # never an invented address
    (booked,) = await appointments(chat)
    assert booked.status == BOOKED and booked.consent_kind == "telegram"
    documents = [m for m in replies if m.method == "sendDocument"]
    assert len(documents) == 1
    ics = next(iter(documents[0].extra["file_bytes"].values())).decode()
    assert f"DTSTART:{booked.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in ics
    async with chat.app.services.db.session() as session:
        citizen = await session.get(Citizen, booked.citizen_id)
    assert citizen is not None and citizen.phone == "+306912345678" and citizen.consent_at is not None
    # Next time the details are offered back instead of asked again.
    await choose_service(chat)
    await chat.press("⏩ Η πρώτη ελεύθερη ώρα")
    replies = await chat.press("✅ Κλείστε αυτή την ώρα")
    assert "Μαρία Παπαδοπούλου" in text_of(replies) and "691" in text_of(replies)
    replies = await chat.press("✅ Ναι, με αυτά τα στοιχεία")
    assert "Το ραντεβού κλείστηκε" in text_of(replies)
    assert len(await appointments(chat)) == 2


async def test_a_time_taken_meanwhile_gets_alternatives_and_books_nothing(chat: LocalChat) -> None:
    await choose_service(chat)
    # A day with at least two free times, so other times of that day exist whatever the hour the test runs at
    # (late at night the first bookable day may have a single time left).
    db = chat.app.services.db
    now = datetime.now(UTC)
    async with db.session() as session:
        avail = await availability_for(session, "kk-florina", "social_worker")
        assert avail is not None
        for day in [d.day for d in await bookable_days(session, avail, now=now) if d.free]:
            free = [s for s in await free_slots(session, avail, day, now=now) if s.free]
            if len(free) >= 2:
                break
        taken = free[0]
        other = Citizen(telegram_id=555)
        session.add(other)
        await session.commit()
    # Someone else books that very time before our citizen taps it (the time's button: bk:t:<timestamp>).
    async with db.write() as session:
        await service.book(
            session,
            citizen_id=other.id,
            centre_id="kk-florina",
            service="social_worker",
            starts_at=taken.starts_at,
            now=now,
        )
    replies = await chat.press_data(f"bk:t:{int(taken.starts_at.timestamp())}")
    assert "μόλις κλείστηκε από κάποιον άλλον" in text_of(replies)
    assert "Δεν άλλαξε τίποτα" in text_of(replies)
    assert any(label[:2].isdigit() and ":" in label for label in labels(replies))  # that day's other times
    assert [a.citizen_id for a in await appointments(chat)] == [other.id]


async def test_double_tap_on_consent_books_once(chat: LocalChat) -> None:
    await book_first_free(chat)
    replies = await chat.press_data("bk:yes")
    assert "το έχετε ήδη κλείσει" in text_of(replies)
    assert len(await appointments(chat)) == 1


async def test_past_dates_and_forged_buttons_change_nothing(chat: LocalChat) -> None:
    await choose_service(chat)
    past = int((datetime.now(UTC) - timedelta(days=2)).timestamp())
    replies = await chat.press_data(f"bk:t:{past}")
    assert "δεν κλείνεται πια" in text_of(replies) and labels(replies)
    replies = await chat.press_data("bk:d:20200106")
    assert "Δεν άλλαξε τίποτα" in text_of(replies) and labels(replies)
    replies = await chat.press_data("bk:c:kk-atlantis")
    assert "δεν ισχύει πια" in text_of(replies)
    replies = await chat.press_data("bk:s:astrologer")
    assert "Δεν άλλαξε τίποτα" in text_of(replies)
    assert await appointments(chat) == []


async def test_cancel_then_cancel_again_and_someone_elses(chat: LocalChat) -> None:
    await book_first_free(chat)
    (booked,) = await appointments(chat)
    replies = await chat.say("τα ραντεβού μου")
    assert "Τα ραντεβού σας" in text_of(replies)
    asked = await chat.press("❌ Ακύρωση ραντεβού")
    # The day in the genitive, with its article: «το ραντεβού της Πέμπτης 3 Δεκεμβρίου», «του Σαββάτου …».
    weekday = greek.weekday_article(local(booked.starts_at).date(), "gen")
    assert f"Να ακυρωθεί το ραντεβού {weekday} " in text_of(asked)
    replies = await chat.press("✅ Ναι, να ακυρωθεί")
    assert "ακυρώθηκε" in text_of(replies)
    replies = await chat.press_data(f"ap:xy:{booked.id}")  # the same button again
    assert "ήδη ακυρωμένο" in text_of(replies) and "Δεν άλλαξε τίποτα" in text_of(replies)
    (after,) = await appointments(chat)
    assert after.status == CANCELLED
    stranger = LocalChat(chat.app, chat.api, user_id=777)
    replies = await stranger.press_data(f"ap:xy:{booked.id}")
    assert "δεν ισχύει πια" in text_of(replies)
    replies = await chat.say("τα ραντεβού μου")
    assert "Δεν έχετε ραντεβού" in text_of(replies)


async def test_reschedule_moves_the_appointment(chat: LocalChat) -> None:
    await book_first_free(chat)
    (old,) = await appointments(chat)
    await chat.say("/appointments")
    replies = await chat.press("🔁 Αλλαγή ώρας")
    assert "Διαλέξτε νέα μέρα" in text_of(replies)
    day_button = next(label for label in labels(replies) if "/" in label and "🔔" not in label)
    replies = await chat.press(day_button)
    times = [label for label in labels(replies) if ":" in label and label[:2].isdigit()]
    await chat.press(times[-1])
    replies = await chat.press("✅ Ναι, με αυτά τα στοιχεία")
    assert "Το ραντεβού σας άλλαξε" in text_of(replies)
    old_after, new = await appointments(chat)
    assert old_after.id == old.id and old_after.status == CANCELLED and new.status == BOOKED
    assert new.rescheduled_from_id == old.id


async def test_a_returning_citizen_is_offered_the_last_centre_first(chat: LocalChat) -> None:
    await book_first_free(chat)
    replies = await chat.say("θέλω ραντεβού")
    assert "Στο ίδιο Κέντρο" in text_of(replies) and "Σε ποιο Κέντρο" not in text_of(replies)
    assert labels(replies)[0] == CENTRE_BUTTON  # the centre of the last appointment, first
    replies = await chat.press(CENTRE_BUTTON)
    assert "👥 Κοινωνικός λειτουργός" in labels(replies)


async def test_a_place_said_earlier_skips_the_place_question(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("μένω στη Φλώρινα")
    replies = await chat.say("Θέλω να κλείσω ραντεβού")
    assert "Σε ποιο Κέντρο" not in text_of(replies)
    assert CENTRE_BUTTON in labels(replies)


async def test_the_future_booking_limit_is_said_before_any_choice(chat: LocalChat) -> None:
    await book_first_free(chat)
    await choose_service(chat)
    await chat.press("⏩ Η πρώτη ελεύθερη ώρα")
    await chat.press("✅ Κλείστε αυτή την ώρα")
    await chat.press("✅ Ναι, με αυτά τα στοιχεία")
    # A third booking is refused at its first step, not after the day, the time and the details.
    for start in (lambda: chat.press_data("m:book"), lambda: chat.say("θέλω ραντεβού")):
        replies = await start()
        assert "όσα επιτρέπονται" in text_of(replies) and "🗓 Τα ραντεβού μου" in labels(replies)
        assert "Πού μένετε" not in text_of(replies) and "κέντρο" not in text_of(replies).lower()
    async with chat.app.services.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(Appointment))
    assert count == 2


async def test_menu_button_and_simple_register(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    replies = await chat.press_data("a:book")
    assert "Πού μένετε;" in text_of(replies)
    replies = await chat.say("/cancel")
    assert "Σταματήσαμε" in text_of(replies)
