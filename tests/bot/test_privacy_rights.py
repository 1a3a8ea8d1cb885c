"""/privacy, /mydata and /forget through the real Application; /forget is checked against every table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.outbox_delivery import deliver_outbox
from core.handoff import enqueue_staff_reply
from core.intake import change_status
from core.models import Base, utcnow
from core.models.handoff import HandoffConversation
from core.models.intake import Intake
from core.users import create_user
from tests.media_files import VOICE

USER = 424242
PHONE = "6987654321"
NAME = "Ευαγγελία Τσολάκη"
SECRETS = (str(USER), PHONE, NAME, "ξυλοδαρμός", "ζεσταθούμε", "Σιάτιστα", "local-file-1-", "κρύο στο σπίτι")


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def make_intake(chat: LocalChat, description: str) -> None:
    await chat.say("/request")
    replies = await chat.press("✅ Συμφωνώ")
    if "✅ 💡 Ρεύμα, νερό και λογαριασμοί" not in [b["text"] for m in replies for b in buttons_of(m)]:
        await chat.press("💡 Ρεύμα, νερό και λογαριασμοί")  # (a second request has the first one's topic ticked)
    await chat.press("➡️ Συνέχεια")
    replies = await chat.say(description)
    if "✅ Ναι, ισχύουν" in [b["text"] for m in replies for b in buttons_of(m)]:
        await chat.press("✅ Ναι, ισχύουν")  # the household and place of the first request, offered back
    else:
        await chat.press("2")
        await chat.press("1")
        await chat.say("Σιάτιστα")
    await chat.say(NAME)
    await chat.press("📞 Με τηλέφωνο")
    await chat.say(PHONE)
    await chat.press("🌅 Πρωί")
    await chat.press("✅ Αποστολή")


async def everything_stored(chat: LocalChat) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    async with chat.app.services.db.session() as session:
        for name in Base.metadata.tables:
            result = await session.execute(text(f'SELECT * FROM "{name}"'))
            rows += [(name, dict(r._mapping)) for r in result]
    return rows


def containing(rows: list[tuple[str, dict[str, Any]]], needle: str) -> list[str]:
    return [
        f"{table}.{column}"
        for table, row in rows
        for column, value in row.items()
        if value is not None
        and needle in (json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value)
    ]


async def test_privacy_notice_in_every_register(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    replies = await chat.say("/privacy")
    assert "Τα κρατά το Κέντρο Κοινότητάς σας" in text_of(replies) and "24 μήνες" in text_of(replies)
    await chat.say("/language")
    await chat.press("🇬🇧 English")
    replies = await chat.say("/privacy")
    assert "Who keeps it?" in text_of(replies) and "/forget" in text_of(replies)


async def test_mydata_sends_a_summary_and_the_file(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await make_intake(chat, "Μας έκοψαν το ρεύμα, έχουμε κρύο στο σπίτι")
    replies = await chat.say("/mydata")
    assert "Αιτήματα στο Κέντρο: 1" in text_of(replies)
    (document,) = [m for m in replies if m.method == "sendDocument"]
    data = json.loads(document.extra["file_bytes"]["document"])
    assert data["intake"][0]["description"] == "Μας έκοψαν το ρεύμα, έχουμε κρύο στο σπίτι"
    assert data["intake"][0]["contact_phone"] == "+30" + PHONE and data["citizen"][0]["telegram_id"] == USER


async def test_forget_leaves_no_personal_data_in_any_table(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await make_intake(chat, "Μας έκοψαν το ρεύμα, έχουμε κρύο στο σπίτι")
    await make_intake(chat, "Θέλουμε να ζεσταθούμε, υπήρξε και ξυλοδαρμός")
    await chat.press_data("a:handoff")
    await chat.press("✅ Συμφωνώ")  # the centre is known from the intake: opened at once
    await chat.send_file("voice", VOICE)  # kept with the conversation, content and all
    await chat.say("έχουμε κρύο στο σπίτι ακόμα")
    async with chat.app.services.db.session() as session:
        staff = await create_user(
            session, username="sw", role="staff", centre_id="kk-voio", password="pale-lantern-over-harbour-17"
        )
        conversation = await session.scalar(select(HandoffConversation))
        assert conversation is not None
        await enqueue_staff_reply(session, conversation.id, staff_user_id=staff.id, text="Θα σας πάρουμε τηλέφωνο")
        await enqueue_staff_reply(session, conversation.id, staff_user_id=staff.id, text="στο " + PHONE)
        first = await session.scalar(select(Intake).order_by(Intake.id))
        assert first is not None
        await change_status(session, first.id, status="in_progress", actor=staff)  # the centre is working on it
        await session.commit()
    await deliver_outbox(chat.app, utcnow())  # one delivered, one still queued
    before = await everything_stored(chat)
    assert containing(before, PHONE) and containing(before, str(USER)) and containing(before, "local-file-1-")
    assert [table for table, _row in before if table == "attachment"] == ["attachment"]

    replies = await chat.say("/forget")
    assert "Θέλετε να σβήσουμε όλα τα στοιχεία σας;" in text_of(replies)
    replies = await chat.press("🗑️ Ναι, σβήστε τα")
    assert "Σβήσαμε τα στοιχεία σας" in text_of(replies)
    assert "Κρατήσαμε 1 αίτημα" in text_of(replies)  # the restricted one, and the citizen is told so

    after = await everything_stored(chat)
    personal = [(table, row) for table, row in after if table != "centre"]  # reference data: Σιάτιστα is a town
    for secret in SECRETS:
        assert containing(personal, secret) == [], secret
    kept = [row for table, row in after if table == "intake"]
    assert len(kept) == 1 and kept[0]["restricted_at"] is not None and kept[0]["citizen_id"] is None
    assert kept[0]["centre_id"] == "kk-voio" and kept[0]["status"] == "in_progress"
    assert not [
        row
        for table, row in after
        if table in ("citizen", "handoff_conversation", "handoff_message", "outbox_message", "attachment")
    ]
    # The bot forgot too: the next message starts afresh, with nothing written back.
    await chat.say("/start")
    assert "intake" not in chat.app.user_data.get(USER, {})


async def test_forget_can_be_declined(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("/forget")
    replies = await chat.press("✖️ Όχι")
    assert "δεν σβήσαμε τίποτα" in text_of(replies)
    rows = await everything_stored(chat)
    assert containing(rows, str(USER))
