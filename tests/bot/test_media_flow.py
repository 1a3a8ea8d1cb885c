"""Voice notes, photos and PDFs through the real Application: kept with a request or a conversation after consent,
offered buttons when sent outside a flow, refused kindly (and nothing stored) when too large or not what they claim,
erased by /forget."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.models.handoff import HandoffConversation, HandoffMessage
from core.models.intake import Intake
from core.models.media import Attachment
from tests.media_files import PDF, VOICE, fake_voice, image_bomb, photo


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def attachments(chat: LocalChat) -> list[Attachment]:
    async with chat.app.services.db.session() as session:
        return list((await session.scalars(select(Attachment).order_by(Attachment.id))).all())


async def to_description(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.say("/request")
    await chat.press("✅ Ναι, συμφωνώ")
    await chat.press("💡 Ρεύμα και λογαριασμοί")
    await chat.press("➡️ Συνέχεια")


async def finish_request(chat: LocalChat) -> list[SentMessage]:
    await chat.press("2")
    await chat.press("1")
    await chat.say("Σιάτιστα")
    await chat.press("👤 Πολίτης")  # the Telegram name, one tap
    await chat.press("💬 Εδώ, με μηνύματα")
    await chat.press("🕐 Όποια ώρα")
    return await chat.press("✅ Στείλε το")


async def test_a_voice_note_and_a_photo_go_with_the_request(chat: LocalChat) -> None:
    await to_description(chat)
    replies = await chat.send_file("photo", photo())  # a letter, photographed
    assert "Το κράτησα" in text_of(replies) and "Πόσοι μεγάλοι" in text_of(replies)
    replies = await chat.send_file("voice", VOICE)  # sent at the next step: it goes with the request too
    assert "Το κράτησα" in text_of(replies)
    assert not await attachments(chat)  # nothing stored until the request is sent
    await finish_request(chat)
    summary = next(m for m in reversed(chat.api.sent()) if "Στείλτε" in m.text or "📎" in m.text)
    assert "📎 2 αρχεία" in html_to_text(summary.text)
    stored = await attachments(chat)
    async with chat.app.services.db.session() as session:
        intake = await session.scalar(select(Intake))
    assert intake is not None
    assert sorted(a.kind for a in stored) == ["photo", "voice"]
    assert {a.intake_id for a in stored} == {intake.id} and {a.centre_id for a in stored} == {"kk-voio"}
    voice = next(a for a in stored if a.kind == "voice")
    assert voice.duration_s and voice.duration_s > 1 and voice.size == len(VOICE) and voice.mime == "audio/ogg"


async def test_bad_files_are_refused_kindly_and_nothing_is_kept(chat: LocalChat) -> None:
    await to_description(chat)
    replies = await chat.send_file("voice", fake_voice())
    assert "δεν ανοίγει" in text_of(replies) and "Γράψτε τι συμβαίνει" in text_of(replies)
    replies = await chat.send_file("document", image_bomb(), mime_type="image/png", file_name="letter.png")
    assert "πολύ μεγάλη" in text_of(replies)
    replies = await chat.send_file(
        "document", b"MZ\x90\x00" * 100, mime_type="application/pdf", file_name="invoice.pdf"
    )  # a program calling itself a PDF
    assert "δεν το κρατώ" in text_of(replies)
    replies = await chat.send_raw(
        {"voice": {"file_id": "huge", "file_unique_id": "h", "duration": 9, "file_size": 50 * 1024 * 1024}}
    )
    assert "πολύ μεγάλο" in text_of(replies)
    assert not any(c.method == "getFile" and c.params.get("file_id") == "huge" for c in chat.api.calls)
    await chat.press("⏭️ Δεν θέλω")
    await finish_request(chat)
    assert not await attachments(chat)
    async with chat.app.services.db.session() as session:
        intake = await session.scalar(select(Intake))
    assert intake is not None and intake.voice_file_id is None


async def test_a_photo_outside_a_flow_can_be_sent_to_the_centre_as_a_request(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    replies = await chat.send_file("photo", photo())
    assert "Πού να το στείλω;" in text_of(replies)
    assert [b["text"] for b in buttons_of(replies[-1])] == ["📨 Στο Κέντρο", "🙋 Σε έναν άνθρωπο", "❌ Όχι, άστο"]
    await chat.press("📨 Στο Κέντρο")
    await chat.press("✅ Ναι, συμφωνώ")
    await chat.press("💡 Ρεύμα και λογαριασμοί")
    await chat.press("➡️ Συνέχεια")
    await chat.press("⏭️ Δεν θέλω")
    await finish_request(chat)
    (stored,) = await attachments(chat)
    assert stored.kind == "photo" and stored.intake_id is not None and stored.width == 640


async def test_a_voice_note_outside_a_flow_can_go_to_a_person(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.send_file("voice", VOICE)
    await chat.press("🙋 Σε έναν άνθρωπο")
    await chat.press("✅ Ναι, συμφωνώ")
    await chat.press("🤷 Δεν ξέρω")
    (stored,) = await attachments(chat)
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
        message = await session.scalar(select(HandoffMessage))
    assert conversation is not None and message is not None
    assert (stored.kind, stored.conversation_id, stored.message_id) == ("voice", conversation.id, message.id)
    # In the open conversation a PDF goes straight to the staff inbox.
    await chat.send_file("document", PDF, mime_type="application/pdf", file_name="apofasi.pdf")
    assert [a.kind for a in await attachments(chat)] == ["voice", "pdf"]


async def test_declining_keeps_nothing_and_forget_erases_files(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    await chat.send_file("photo", photo())
    replies = await chat.press("❌ Όχι, άστο")
    assert "Δεν το στείλαμε" in text_of(replies)
    assert "pending_media" not in chat.app.user_data[chat.user_id]
    await chat.send_file("voice", VOICE)
    await chat.press("🙋 Σε έναν άνθρωπο")
    await chat.press("✖️ Όχι")
    assert not await attachments(chat)
    await to_description(chat)
    await chat.send_file("voice", VOICE)
    await finish_request(chat)
    assert len(await attachments(chat)) == 1
    replies = await chat.say("/mydata")  # the file is listed (its size, not its bytes)
    (document,) = [m for m in replies if m.method == "sendDocument"]
    exported = json.loads(document.extra["file_bytes"]["document"])
    assert exported["attachment"][0]["kind"] == "voice"
    assert exported["attachment"][0]["content"] == f"<{len(VOICE)} bytes>"
    await chat.say("/forget")
    await chat.press("🗑️ Ναι, σβήστε τα")
    async with chat.app.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 0
