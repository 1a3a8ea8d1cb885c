"""A mediator opens a request (intake) for a person without a phone: the request flow of bot/handlers/intake.py
with an "on behalf of" draft — oral consent first, name, optional phone, settlement, topics, description with
files, household — stored for the mediator's annex with a citizen record without a chat id, the mediator as
creator and the consent recorded as oral. Anyone else pressing the button gets refused and nothing changes."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.local_chat import LocalChat, buttons_of
from core.models import AuditEvent, Citizen, StaffUser
from core.models.intake import Intake
from core.models.media import Attachment
from tests.bot.test_booking_mediator import MEDIATOR_TELEGRAM, make_mediator, text
from tests.media_files import photo


async def linked_mediator(chat: LocalChat) -> tuple[int, LocalChat]:
    mediator_id, token = await make_mediator(chat)
    mediator = LocalChat(chat.app, chat.api, user_id=MEDIATOR_TELEGRAM)
    await mediator.say(f"/start link-{token}")
    return mediator_id, mediator


async def counts(chat: LocalChat) -> tuple[int, int, int]:
    async with chat.app.services.db.session() as session:
        return (
            await session.scalar(select(func.count()).select_from(Intake)) or 0,
            await session.scalar(select(func.count()).select_from(Citizen)) or 0,
            await session.scalar(select(func.count()).select_from(Attachment)) or 0,
        )


async def to_summary_without_phone(mediator: LocalChat) -> None:
    """A request for Μαρία Νικολάου of Αγία Παρασκευή (1 adult, no children, no phone), up to its summary."""
    await mediator.say("/mediator")
    await mediator.press("📝 Αίτημα για κάποιον")
    await mediator.press("✅ Ο πολίτης συμφώνησε προφορικά")
    await mediator.press_data("i:cat:other")
    await mediator.press("➡️ Συνέχεια")
    await mediator.press("⏭️ Παράλειψη")
    await mediator.press("1")
    await mediator.press("0")
    await mediator.say("Αγία Παρασκευή")
    await mediator.say("Μαρία Νικολάου")
    await mediator.press("➖ Χωρίς τηλέφωνο")


async def test_a_mediator_opens_a_request_for_a_person_without_a_phone(chat: LocalChat) -> None:
    mediator_id, mediator = await linked_mediator(chat)
    replies = await mediator.say("/mediator")
    assert "📝 Αίτημα για κάποιον" in [b["text"] for m in replies for b in buttons_of(m)]
    replies = await mediator.press("📝 Αίτημα για κάποιον")
    assert "συγκατάθεση" in text(replies) and "προφορικά" in text(replies)
    replies = await mediator.press("✅ Ο πολίτης συμφώνησε προφορικά")
    assert "Τι χρειάζεστε" in text(replies) or "θέμα" in text(replies).lower()
    await mediator.press_data("i:cat:ask_energy_bills")
    replies = await mediator.press("➡️ Συνέχεια")
    replies = await mediator.send_file("photo", photo())  # the electricity bill, photographed by the mediator
    assert "Κράτησα το αρχείο" in text(replies)
    await mediator.press("2")  # adults
    replies = await mediator.press("3")  # children
    assert "οικισμός" in text(replies)  # the settlement, not the centre list: the annex is the mediator's
    replies = await mediator.say("Αγία Παρασκευή")
    assert "ονοματεπώνυμο" in text(replies)
    replies = await mediator.say("Σταυρούλα Μιχαηλίδου")
    assert "➖ Χωρίς τηλέφωνο" in [b["text"] for m in replies for b in buttons_of(m)]
    replies = await mediator.press("➖ Χωρίς τηλέφωνο")  # no call-back time without a phone: the summary
    summary = text(replies)
    assert "Ελέγξτε το αίτημα για τον πολίτη" in summary and "Σταυρούλα Μιχαηλίδου" in summary
    assert "μέσω του διαμεσολαβητή" in summary and "Αγία Παρασκευή" in summary
    replies = await mediator.press("✅ Αποστολή")
    assert "Σταυρούλα Μιχαηλίδου" in text(replies) and "προφορική συγκατάθεση" in text(replies)
    assert "📝 Αίτημα για κάποιον" in [b["text"] for m in replies for b in buttons_of(m)]  # the mediator menu again

    async with chat.app.services.db.session() as session:
        intake = await session.scalar(select(Intake))
        assert intake is not None
        citizen = await session.get(Citizen, intake.citizen_id)
        files = (await session.scalars(select(Attachment))).all()
        audit = (await session.scalars(select(AuditEvent).where(AuditEvent.actor_kind == "mediator"))).all()
        mediator_account = await session.get(StaffUser, mediator_id)
    assert intake.centre_id == "annex-roma-florina" and intake.created_by_staff_id == mediator_id
    assert intake.created_by_kind == "mediator" and intake.channel == "mediator"
    assert intake.consent_version == "oral-1" and intake.consent_at is not None
    assert intake.telegram_chat_id is None and intake.contact_phone is None and intake.contact_method is None
    assert intake.categories == ["ask_energy_bills"] and (intake.adults, intake.children) == (2, 3)
    assert intake.place == "Αγία Παρασκευή"
    assert citizen is not None and citizen.name == "Σταυρούλα Μιχαηλίδου" and citizen.telegram_id is None
    assert citizen.phone is None and citizen.consent_version == "oral-1"
    assert citizen.home_centre_id == "annex-roma-florina"
    assert mediator_account is not None and citizen.telegram_id != mediator_account.telegram_id
    assert [(f.kind, f.intake_id, f.citizen_id, f.telegram_chat_id, f.centre_id) for f in files] == [
        ("photo", intake.id, citizen.id, None, "annex-roma-florina")
    ]
    assert {(e.action, e.record_kind) for e in audit} >= {("create", "citizen"), ("create", "intake")}
    assert all("Μιχαηλίδου" not in str(e.details) for e in audit)  # no personal data in the audit details


async def test_a_phone_given_by_the_mediator_asks_when_to_call(chat: LocalChat) -> None:
    _mediator_id, mediator = await linked_mediator(chat)
    await mediator.say("/mediator")
    await mediator.press("📝 Αίτημα για κάποιον")
    await mediator.press("✅ Ο πολίτης συμφώνησε προφορικά")
    await mediator.press_data("i:cat:ask_housing")
    await mediator.press("➡️ Συνέχεια")
    await mediator.say("Ζητά βοήθεια για το επίδομα στέγασης.")
    await mediator.press("1")
    await mediator.press("0")
    await mediator.say("Κάτω Κλεινές")
    await mediator.say("Νίκος Σαλονικιός")
    replies = await mediator.say("691 234 5678")
    assert "Ποια ώρα" in text(replies)
    await mediator.press("🌅 Πρωί")
    await mediator.press("✅ Αποστολή")
    async with chat.app.services.db.session() as session:
        intake = await session.scalar(select(Intake))
        assert intake is not None
        citizen = await session.get(Citizen, intake.citizen_id)
    assert intake.contact_method == "phone" and intake.contact_phone == "+306912345678"
    assert intake.contact_time == "morning" and intake.description == "Ζητά βοήθεια για το επίδομα στέγασης."
    assert citizen is not None and citizen.phone == "+306912345678" and citizen.telegram_id is None


async def test_no_oral_consent_keeps_nothing(chat: LocalChat) -> None:
    _mediator_id, mediator = await linked_mediator(chat)
    await to_summary_without_phone(mediator)
    replies = await mediator.press("🔄 Από την αρχή")  # starting again stays a request for someone else
    assert "Αίτημα για πολίτη χωρίς τηλέφωνο" in text(replies)
    replies = await mediator.press("❌ Δεν συμφώνησε")
    assert "Δεν κρατήθηκε τίποτα" in text(replies)
    assert await counts(chat) == (0, 0, 0)


async def test_a_citizen_pressing_the_mediator_request_button_is_refused(chat: LocalChat) -> None:
    await make_mediator(chat)  # a mediator exists, but this chat is not theirs
    await chat.say("/start")
    before = await counts(chat)
    replies = await chat.press_data("md:i")
    assert "μόνο για διαμεσολαβητές" in text(replies)
    replies = await chat.press_data("i:consent:yes")  # the flow was not entered: nothing to consent to
    replies = await chat.press_data("i:send")
    assert await counts(chat) == before
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(Intake)) is None


async def test_a_mediator_deactivated_mid_request_stores_nothing(chat: LocalChat) -> None:
    mediator_id, mediator = await linked_mediator(chat)
    await to_summary_without_phone(mediator)
    async with chat.app.services.db.session() as session:
        user = await session.get(StaffUser, mediator_id)
        assert user is not None
        user.active = False
        await session.commit()
    replies = await mediator.press("✅ Αποστολή")
    assert "μόνο για διαμεσολαβητές" in text(replies)
    assert await counts(chat) == (0, 0, 0)
