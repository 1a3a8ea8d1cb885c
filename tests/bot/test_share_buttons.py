"""Sharing instead of typing, through the real Application: the own contact is taken and someone else's refused,
the Telegram name is offered, centre buttons name the town (nearest first), the handover's place by a button."""

from __future__ import annotations

from sqlalchemy import select

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.models import Citizen
from core.models.handoff import HandoffConversation


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


def labels(messages: list[SentMessage]) -> list[str]:
    return [b["text"] for m in messages for b in buttons_of(m)]


async def test_booking_takes_the_own_contact_and_refuses_someone_elses(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.press_data("m:book")
    replies = await chat.press("📍 Στείλε τοποθεσία")  # request-location: the local user's place (Κοζάνη)
    assert labels(replies)[0] == "📍 Κοζάνη — Κέντρο Κοινότητας"  # the town, and the nearest first
    await chat.press("📍 Κοζάνη — Κέντρο Κοινότητας")
    await chat.press("👥 Κοινωνικός λειτουργός")
    await chat.press("⏩ Η πιο κοντινή ώρα")
    replies = await chat.press("✅ Ναι, αυτή την ώρα")
    assert "👤 Πολίτης" in labels(replies)  # the Telegram name, one tap
    replies = await chat.press("👤 Πολίτης")
    (share,) = [b for m in replies for b in buttons_of(m)]
    assert share == {"text": "📱 Στείλε το κινητό μου", "request_contact": True}
    replies = await chat.share_contact("+306998877665", "Γειτόνισσα", user_id=0)  # someone else's card
    assert "τηλέφωνο άλλου" in text_of(replies)
    replies = await chat.press("📱 Στείλε το κινητό μου")
    assert "📱 Το κινητό σας: 691 234 5678" in text_of(replies)
    assert (replies[0].reply_markup or {}).get("remove_keyboard") is True  # the share keyboard goes away
    await chat.press("✅ Συμφωνώ")
    async with chat.app.services.db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
    assert citizen is not None and citizen.name == "Πολίτης" and citizen.phone == "+306912345678"


async def test_the_handover_place_can_be_chosen_from_a_list(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.press_data("m:handoff")
    await chat.press("✅ Ναι, συμφωνώ")
    replies = await chat.press("📋 Λίστα")
    assert "📍 Σιάτιστα — Κέντρο Κοινότητας" in labels(replies)
    replies = await chat.press_data("h:c:kk-nowhere")  # forged: asked again, nothing opened
    assert "Δεν άλλαξε τίποτα" in text_of(replies)
    await chat.press("📍 Σιάτιστα — Κέντρο Κοινότητας")
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
    assert conversation is not None and conversation.centre_id == "kk-voio"


async def _handover_place_step(chat: LocalChat, register_button: str, agree: str) -> list[SentMessage]:
    await chat.say("/start")
    await chat.press(register_button)
    await chat.press_data("m:handoff")
    return await chat.press(agree)


async def test_the_handover_place_offers_a_share_location_button_beside_the_list(chat: LocalChat) -> None:
    replies = await _handover_place_step(chat, "🙂 Απλά ελληνικά", "✅ Ναι, συμφωνώ")
    keyboard = [b for m in replies for b in buttons_of(m)]
    assert {"text": "📍 Στείλε τοποθεσία", "request_location": True} in keyboard
    assert {"text": "📋 Λίστα"} in keyboard and {"text": "🤷 Δεν ξέρω"} in keyboard
    replies = await chat.press("📍 Στείλε τοποθεσία")  # the local user's place: Κοζάνη
    assert "Είστε κοντά σε: Κοζάνη" in text_of(replies)
    assert (replies[0].reply_markup or {}).get("remove_keyboard") is True
    assert "Σας συνδέσαμε με το Κέντρο Κοινότητας Δήμου Κοζάνης" in text_of(replies)
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
    assert conversation is not None and conversation.centre_id == "kk-kozani"
    assert citizen is not None and citizen.home_centre_id == "kk-kozani"
    assert chat.app.user_data[chat.user_id]["near"] == [40.3, 21.79]  # remembered like the find-centre flow does


async def test_a_shared_location_routes_the_handover_as_the_find_centre_flow_routes_it(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.press_data("m:centre")
    found = text_of(await chat.share_location(40.4535, 21.2589))  # Άργος Ορεστικό
    await chat.say("/start")
    await chat.press_data("m:handoff")
    await chat.press("✅ Ναι, συμφωνώ")
    replies = await chat.share_location(40.4535, 21.2589)
    assert "Άργος Ορεστικό" in found and "Άργος Ορεστικό" in text_of(replies)
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
    assert conversation is not None and conversation.centre_id == "kk-argos-orestiko"


async def test_a_location_outside_the_region_asks_again_and_dont_know_goes_to_the_coordinator(chat: LocalChat) -> None:
    await _handover_place_step(chat, "🇬🇧 English", "✅ I agree")
    replies = await chat.share_location(40.6401, 22.9444)  # Thessaloniki
    assert "outside Western Macedonia" in text_of(replies)
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(HandoffConversation)) is None  # nothing opened yet
    replies = await chat.press("🤷 I don't know / skip")
    assert (replies[0].reply_markup or {}).get("remove_keyboard") is True
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
    assert conversation is not None and conversation.centre_id is None
