"""Issue 12 through the real Application: a name at a text step is a name; only the danger lexicon interrupts
there; a Romani greeting gets a greeting back; violence at home gets 112 and 15900 first with safety advice, then
«🚨 Επείγον» opens an urgent request with the danger topic chosen and the typed text kept, and the booking the
emergency interrupted is offered again and finishes."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.handlers import free_text
from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.models.booking import BOOKED, Appointment
from core.models.intake import Intake
from nlu.types import intents

CENTRE_BUTTON = "📍 Φλώρινα — Κέντρο Κοινότητας"
HELPLINES = "Αν κινδυνεύει κάποιος τώρα, καλέστε αμέσως"


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


def numbers(text: str) -> list[str]:
    return re.findall(r"\b(112|197|15900|1056|10306|1018|10201)\b", text)


async def to_the_name_step(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("Θέλω να κλείσω ραντεβού")
    await chat.say("Φλώρινα")
    await chat.press(CENTRE_BUTTON)
    await chat.press("👥 Κοινωνικός λειτουργός")
    await chat.press("⏩ Η πρώτη ελεύθερη ώρα")
    replies = await chat.press("✅ Κλείστε αυτή την ώρα")
    assert "Πώς σας λένε" in text_of(replies)


async def test_a_name_at_the_name_step_is_a_name_not_an_emergency(chat: LocalChat) -> None:
    await to_the_name_step(chat)
    replies = await chat.say("Ζωή Παπαδάκη")
    text = text_of(replies)
    assert HELPLINES not in text
    assert "τηλέφωνο" in text  # the next question


async def test_the_classifier_alone_does_not_interrupt_a_text_step_but_counts_at_the_top_level(chat: LocalChat) -> None:
    cry = "ο άντρας μου έγινε πάλι βίαιος και φοβάμαι για τα παιδιά"  # no lexicon phrase: the classifier's call
    engine = chat.app.services.nlu
    assert engine is not None
    parse = await engine.parse(cry)
    assert parse.intent == "emergency" and parse.danger is None
    await to_the_name_step(chat)
    assert HELPLINES not in text_of(await chat.say(cry))  # at the name step: taken as the answer (or refused)
    await chat.say("/menu")
    assert HELPLINES in text_of(await chat.say(cry))  # at the top level: the helplines


async def test_worries_and_a_childs_behaviour_are_not_emergencies(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇧 English")
    replies = await chat.say("my teenage son doesnt listen to me anymore, i need advice")
    assert "If someone is in danger now" not in text_of(replies)


async def test_a_romani_greeting_gets_a_warm_greeting_back(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    text = text_of(await chat.say("te aves baxtalo"))
    assert "Te aven baxtale!" in text and HELPLINES not in text
    text = text_of(await chat.say("Τε άβες μπαχταλί"))
    assert "Τε άβεν μπαχταλέ!" in text
    assert HELPLINES not in text_of(await chat.say("Sar san?"))


async def test_violence_at_home_then_an_urgent_request_then_the_booking_goes_on(chat: LocalChat) -> None:
    await to_the_name_step(chat)
    cry = "με χτυπάει ο άντρας μου"
    replies = await chat.say(cry)
    text = text_of(replies)
    assert HELPLINES in text
    assert numbers(text)[:3] == ["112", "15900", "197"]  # 112, then the line for women facing violence
    assert "Διαγραφή" in text  # how to delete this chat
    assert "↩️ Συνέχεια: ραντεβού" in labels(replies)

    await chat.press("Επείγον στο Κέντρο")
    await chat.press("✅ Συμφωνώ")
    categories = chat.last_with_buttons()
    assert categories is not None
    chosen = [b["text"] for b in buttons_of(categories) if b["text"].startswith("✅")]
    assert len(chosen) == 1  # the danger topic, already chosen
    replies = await chat.press("➡️ Συνέχεια")
    assert cry in text_of(replies)  # the typed text, shown before anything is stored
    await chat.press("✅ Συνέχεια")
    await chat.press("2")
    await chat.press("1")
    await chat.say("Φλώρινα")
    await chat.say("Ζωή Παπαδάκη")  # the request's name step: a name again, not danger
    await chat.press("💬 Εδώ, στο Telegram")
    await chat.press("🌅 Πρωί")
    replies = await chat.press("✅ Αποστολή")
    assert "↩️ Συνέχεια: ραντεβού" in labels(replies)
    async with chat.app.services.db.session() as session:
        request = (await session.scalars(select(Intake))).one()
    assert request.urgent and "safety" in request.categories and request.description == cry

    replies = await chat.press("↩️ Συνέχεια: ραντεβού")
    assert "Πώς σας λένε" in text_of(replies)
    await chat.say("Ζωή Παπαδάκη")
    await chat.say("691 234 5678")
    replies = await chat.press("✅ Συμφωνώ")
    assert "Το ραντεβού κλείστηκε" in text_of(replies)
    async with chat.app.services.db.session() as session:
        booked = (await session.scalars(select(Appointment).where(Appointment.status == BOOKED))).all()
    assert len(booked) == 1


async def test_sos_has_no_text_to_carry_and_the_default_order(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    text = text_of(await chat.say("/sos"))
    assert numbers(text)[:2] == ["112", "197"]
    assert "emergency_note" not in (chat.app.user_data.get(chat.user_id) or {})


def test_every_intent_of_the_training_data_has_an_answer_or_a_flow() -> None:
    handled = set(free_text.ANSWERS) | free_text.FLOW_INTENTS
    assert sorted(set(intents()) - handled) == []
    assert sorted(handled - set(intents())) == []
