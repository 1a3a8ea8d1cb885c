"""Talking to a person: handing over, staff replies delivered exactly once (Telegram errors, a killed deliverer),
the bot keeping quiet except for an emergency, and taking over again when staff close."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.local_api import RecordingBotApi, SentMessage
from bot.local_chat import LocalChat, html_to_text
from bot.outbox_delivery import deliver_outbox
from core.handoff import close_conversation, enqueue_staff_reply, messages_of
from core.models import utcnow
from core.models.handoff import HandoffConversation, OutboxMessage
from core.outbox import LEASE, claim_due
from core.users import create_user

USER = 424242


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def hand_over(chat: LocalChat, place: str = "Κοζάνη") -> HandoffConversation:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    replies = await chat.say("θέλω να μιλήσω με έναν άνθρωπο")
    assert "Συμφωνείτε;" in text_of(replies)
    await chat.press("✅ Συμφωνώ")
    replies = await chat.say(place)
    assert "Η συζήτηση δόθηκε στο Κέντρο Κοινότητας Δήμου Κοζάνης" in text_of(replies)
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
    assert conversation is not None and conversation.status == "open" and conversation.centre_id == "kk-kozani"
    return conversation


async def staff_reply(chat: LocalChat, conversation_id: int, text: str) -> int:
    async with chat.app.services.db.session() as session:
        staff = await create_user(
            session,
            username=f"sw{text[:3]}",
            role="staff",
            centre_id="kk-kozani",
            password="pale-lantern-over-harbour-17",
        )
        outbox = await enqueue_staff_reply(session, conversation_id, staff_user_id=staff.id, text=text)
        await session.commit()
        return outbox.id


def seen(api: RecordingBotApi, fragment: str) -> int:
    return sum(1 for m in api.sent() if m.chat_id == USER and fragment in m.text)


async def test_round_trip_exactly_once(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    replies = await chat.say("Καλησπέρα, χρειάζομαι βοήθεια με το ενοίκιο")
    assert replies == []  # the bot keeps quiet: a person will answer
    replies = await chat.say("τι επιδόματα υπάρχουν;")
    assert replies == []
    async with chat.app.services.db.session() as session:
        stored = [m.text for m in await messages_of(session, conversation.id)]
    assert stored == ["Καλησπέρα, χρειάζομαι βοήθεια με το ενοίκιο", "τι επιδόματα υπάρχουν;"]
    await staff_reply(chat, conversation.id, "Καλησπέρα! Ελάτε αύριο στις 10 στο Κέντρο.")
    now = utcnow()
    assert await deliver_outbox(chat.app, now) == 1
    assert await deliver_outbox(chat.app, now + timedelta(hours=1)) == 0
    assert seen(chat.api, "Ελάτε αύριο στις 10") == 1
    assert "Μήνυμα από το Κέντρο Κοινότητας" in chat.api.sent()[-1].text


async def test_telegram_errors_are_retried_with_backoff_and_delivered_once(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    outbox_id = await staff_reply(chat, conversation.id, "Πρώτη απάντηση")
    chat.api.fail_next("sendMessage", 502, "Bad Gateway")
    now = utcnow()
    assert await deliver_outbox(chat.app, now) == 0
    async with chat.app.services.db.session() as session:
        row = await session.get(OutboxMessage, outbox_id)
        assert row is not None and row.status == "pending" and row.attempts == 1
        assert row.next_attempt_at > now and row.last_error
    assert await deliver_outbox(chat.app, now) == 0  # backing off: not yet
    assert await deliver_outbox(chat.app, now + timedelta(seconds=5)) == 1
    assert await deliver_outbox(chat.app, now + timedelta(seconds=60)) == 0
    assert seen(chat.api, "Πρώτη απάντηση") == 1
    assert len([c for c in chat.api.calls_to("sendMessage") if "Πρώτη απάντηση" in str(c.params.get("text"))]) == 2


async def test_a_deliverer_killed_mid_delivery_is_taken_over_once(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    await staff_reply(chat, conversation.id, "Απάντηση πριν την κατάρρευση")
    now = utcnow()
    # A deliverer claims the row and dies before sending (the process was killed): nothing reached Telegram.
    async with chat.app.services.db.write() as session:
        claims = await claim_due(session, now=now)
    assert len(claims) == 1
    # The restarted bot leaves it alone while the dead one's lease holds (it might still be sending) ...
    assert await deliver_outbox(chat.app, now + timedelta(seconds=5)) == 0
    # ... and delivers it once the lease has run out — once.
    later = now + LEASE + timedelta(seconds=1)
    assert await deliver_outbox(chat.app, later) == 1
    assert await deliver_outbox(chat.app, later + LEASE * 2) == 0
    assert seen(chat.api, "Απάντηση πριν την κατάρρευση") == 1


async def test_a_blocked_bot_gives_up_and_keeps_order_per_chat(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    first = await staff_reply(chat, conversation.id, "Ένα")
    await staff_reply(chat, conversation.id, "Δύο")
    now = utcnow()
    assert await deliver_outbox(chat.app, now) == 1  # one per chat per round (Telegram: ~1 message/s per chat)
    assert await deliver_outbox(chat.app, now + timedelta(seconds=1)) == 1
    order = [m.text for m in chat.api.sent() if "Ένα" in m.text or "Δύο" in m.text]
    assert [("Ένα" in t) for t in order] == [True, False]
    third = await staff_reply(chat, conversation.id, "Τρία")
    chat.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    # Due now (enqueued after `now`, however slow the machine), and a second after the last delivery in this chat.
    assert await deliver_outbox(chat.app, max(utcnow(), now + timedelta(seconds=2))) == 0
    async with chat.app.services.db.session() as session:
        statuses = {r.id: r.status for r in (await session.scalars(select(OutboxMessage))).all()}
    assert statuses[first] == "sent" and statuses[third] == "failed"


async def test_emergency_while_handed_over_is_answered_and_stored(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    replies = await chat.say("θέλω να πεθάνω")
    assert "112" in text_of(replies)
    async with chat.app.services.db.session() as session:
        assert [m.text for m in await messages_of(session, conversation.id)] == ["θέλω να πεθάνω"]


async def test_personal_numbers_are_masked_and_the_citizen_warned(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    replies = await chat.say("το αφμ μου 090000045")
    assert "μη στέλνετε εδώ ΑΜΚΑ" in text_of(replies)
    async with chat.app.services.db.session() as session:
        assert [m.text for m in await messages_of(session, conversation.id)] == ["το αφμ μου [ΑΦΜ]"]


async def test_staff_close_hands_back_to_the_bot(chat: LocalChat) -> None:
    conversation = await hand_over(chat)
    async with chat.app.services.db.session() as session:
        staff = await create_user(
            session, username="closer", role="staff", centre_id="kk-kozani", password="pale-lantern-over-harbour-17"
        )
        await close_conversation(session, conversation.id, staff_user_id=staff.id)
        await session.commit()
    assert await deliver_outbox(chat.app, utcnow()) == 1
    assert seen(chat.api, "Το Κέντρο Κοινότητας έκλεισε τη συζήτηση") == 1
    replies = await chat.say("γεια σας")
    assert "Γεια σας" in text_of(replies)  # the bot answers on its own again


async def test_citizen_ends_the_conversation(chat: LocalChat) -> None:
    await hand_over(chat)
    replies = await chat.press("✖️ Τέλος συζήτησης με το Κέντρο")
    assert "Είμαι πάλι εγώ" in text_of(replies)
    replies = await chat.press_data("h:end")
    assert "Δεν έχετε ανοιχτή συζήτηση" in text_of(replies)


async def test_consent_refused_opens_nothing(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.press_data("a:handoff")
    replies = await chat.press("✖️ Όχι, ευχαριστώ")
    assert "Δεν κρατήσαμε τίποτα" in text_of(replies)
    async with chat.app.services.db.session() as session:
        assert (await session.scalars(select(HandoffConversation))).all() == []
