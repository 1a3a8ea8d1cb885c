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
