"""Mediators: the one-time Telegram link, booking for a citizen without a phone (oral consent, the mediator on
the record), the annex's upcoming visits and cancelling one; nobody else gets the mediator menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.booking.mediators import create_link_token, redeem_link_token
from core.models import AuditEvent, Citizen, StaffUser
from core.models.booking import BOOKED, CANCELLED, Appointment
from core.users import create_user

MEDIATOR_TELEGRAM = 515151


def text(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def make_mediator(chat: LocalChat) -> tuple[int, str]:
    async with chat.app.services.db.session() as session:
        user = await create_user(
            session,
            username="eleni.mediator",
            role="mediator",
            password="pale-lantern-over-harbour-17",
            centre_id="annex-roma-florina",
        )
        token = await create_link_token(session, user.id, datetime.now(UTC))
        await session.commit()
        return user.id, token


async def test_link_book_for_a_citizen_list_and_cancel(chat: LocalChat) -> None:
    mediator_id, token = await make_mediator(chat)
    mediator = LocalChat(chat.app, chat.api, user_id=MEDIATOR_TELEGRAM)
    replies = await mediator.say("/start link-not-a-real-token")
    assert "δεν ισχύει" in text(replies)
    replies = await mediator.say(f"/start link-{token}")
    assert "συνδέθηκε" in text(replies)
    replies = await mediator.say(f"/start link-{token}")  # one-time: the second use is refused
    assert "δεν ισχύει" in text(replies)

    replies = await mediator.say("/mediator")
    assert "Παράρτημα Ρομά" in text(replies)
    replies = await mediator.press("📅 Ραντεβού για πολίτη")
    assert "🤝 Διαμεσολαβητής" in [b["text"] for m in replies for b in buttons_of(m)]
    await mediator.press("🤝 Διαμεσολαβητής")
    await mediator.press("⏩ Η πρώτη ελεύθερη ώρα")
    await mediator.press("✅ Κλείστε αυτή την ώρα")
    await mediator.say("Γιώργος Σαλονικιός")
    replies = await mediator.press("➖ Χωρίς τηλέφωνο")
    assert "οικισμός" in text(replies)
    replies = await mediator.say("Αγία Παρασκευή")
    assert "συμφωνεί" in text(replies)
    replies = await mediator.press("✅ Ο πολίτης συμφώνησε προφορικά")
    assert "Κλείστηκε: Γιώργος Σαλονικιός" in text(replies)

    async with chat.app.services.db.session() as session:
        appointment = await session.scalar(select(Appointment))
        assert appointment is not None
        citizen = await session.get(Citizen, appointment.citizen_id)
        audit = (await session.scalars(select(AuditEvent).where(AuditEvent.actor_kind == "mediator"))).all()
    assert appointment.status == BOOKED and appointment.centre_id == "annex-roma-florina"
    assert appointment.booked_by_kind == "mediator" and appointment.booked_by_staff_id == mediator_id
    assert appointment.consent_kind == "oral" and appointment.settlement == "Αγία Παρασκευή"
    assert citizen is not None and citizen.telegram_id is None and citizen.phone is None
    assert {e.action for e in audit} >= {"create", "link_telegram"}
    assert all("Σαλονικιός" not in str(e.details) for e in audit)  # no personal data in the audit details

    replies = await mediator.press("📋 Επόμενες επισκέψεις")
    assert "Γιώργος Σαλονικιός" in text(replies) and "Αγία Παρασκευή" in text(replies)
    replies = await mediator.press("❌ Ακύρωση ραντεβού")
    assert "ακυρώθηκε" in text(replies)
    replies = await mediator.press_data(f"md:x:{appointment.id}")
    assert "ήδη ακυρωμένο" in text(replies)
    replies = await mediator.press_data(f"md:a:{appointment.id}")  # attendance of a cancelled visit: refused
    assert "Δεν άλλαξε τίποτα" in text(replies)
    async with chat.app.services.db.session() as session:
        again = await session.get(Appointment, appointment.id)
    assert again is not None and again.status == CANCELLED


async def test_citizens_do_not_get_the_mediator_menu_or_visits(chat: LocalChat) -> None:
    await make_mediator(chat)
    replies = await chat.say("/mediator")
    assert "μόνο για διαμεσολαβητές" in text(replies)
    replies = await chat.press_data("md:u")
    assert "μόνο για διαμεσολαβητές" in text(replies)
    replies = await chat.press_data("md:x:1")
    assert "μόνο για διαμεσολαβητές" in text(replies)


async def test_a_link_token_expires(chat: LocalChat) -> None:
    user_id, token = await make_mediator(chat)
    async with chat.app.services.db.session() as session:
        assert (
            await redeem_link_token(session, token=token, telegram_id=1, now=datetime.now(UTC) + timedelta(days=2))
            is None
        )
        user = await session.get(StaffUser, user_id)
        assert user is not None and user.telegram_id is None and user.link_token_hash is not None


async def test_on_behalf_booking_stays_at_the_annex_and_rechecks_the_mediator(chat: LocalChat) -> None:
    """The mediator's booking is the booking flow with an "on behalf of" draft: another centre's button is stale
    there, and an account deactivated mid-flow books nothing at the last step."""
    mediator_id, token = await make_mediator(chat)
    mediator = LocalChat(chat.app, chat.api, user_id=MEDIATOR_TELEGRAM)
    await mediator.say(f"/start link-{token}")
    await mediator.say("/mediator")
    await mediator.press("📅 Ραντεβού για πολίτη")
    replies = await mediator.press_data("bk:c:kk-kozani")  # a forged centre: the annex stays the annex
    assert "δεν ισχύει πια" in text(replies)
    await mediator.press("📅 Ραντεβού για πολίτη")
    await mediator.press("🤝 Διαμεσολαβητής")
    await mediator.press("⏩ Η πρώτη ελεύθερη ώρα")
    await mediator.press("✅ Κλείστε αυτή την ώρα")
    replies = await mediator.say("Μαρία Νικολάου")
    assert "τηλέφωνο" in text(replies)
    replies = await mediator.say("691 234 5678")
    assert "οικισμός" in text(replies)
    await mediator.say("Κάτω Κλεινές")
    async with chat.app.services.db.session() as session:
        user = await session.get(StaffUser, mediator_id)
        assert user is not None
        user.active = False
        await session.commit()
    await mediator.press("✅ Ο πολίτης συμφώνησε προφορικά")
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(Appointment)) is None
        assert await session.scalar(select(Citizen).where(Citizen.name == "Μαρία Νικολάου")) is None
