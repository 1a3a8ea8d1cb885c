"""A day closed after citizens queued for it: their waiting-list places end (other centres' and other days' stay),
each citizen is told in their register which day, service and centre, with buttons to book another day — once,
through the outbox — and the console says so; each ended place is audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.outbox_delivery import deliver_outbox
from core.booking.waitlist import places_for_citizen
from core.db import Database
from core.models import AuditEvent, Citizen
from core.models.booking import WaitlistEntry
from core.models.handoff import OutboxMessage
from tests.staff_console.conftest import START, login_ok, make_console, page_csrf

MONDAY = date(2026, 11, 30)


async def waiting(db: Database, chat_id: int, language: str, centre: str, day: date, status: str = "waiting") -> int:
    async with db.write() as session:
        person = Citizen(telegram_id=chat_id, language=language, created_at=START, last_seen_at=START)
        session.add(person)
        await session.flush()
        entry = WaitlistEntry(
            citizen_id=person.id, centre_id=centre, service="social_worker", day=day, status=status, created_at=START
        )
        session.add(entry)
        await session.flush()
        return entry.id


async def test_closing_a_day_ends_its_waiting_places_and_tells_each_citizen(chat: LocalChat) -> None:
    db = chat.app.services.db
    console = await make_console(db, secure=False)
    greek = await waiting(db, 7001, "el", "kk-kozani", MONDAY)
    english = await waiting(db, 7002, "en", "kk-kozani", MONDAY)
    elsewhere = await waiting(db, 7003, "el", "kk-kastoria", MONDAY)
    later = await waiting(db, 7004, "el", "kk-kozani", MONDAY + timedelta(days=1))
    gone = await waiting(db, 7005, "el", "kk-kozani", MONDAY, status="left")
    async with console.client() as client:
        await login_ok(client, "kozani")
        csrf = await page_csrf(client, "/hours")
        closing = {"csrf_token": csrf, "centre": "kk-kozani", "day": MONDAY.isoformat(), "reason": "Τοπική αργία"}
        added = await client.post("/closures", data=closing)
        assert added.headers["location"] == "/hours?centre=kk-kozani&notice=closed_day_waiting"
        page = await client.get(added.headers["location"])
        assert "η αναμονή τους έληξε" in page.text

    async with db.session() as session:
        status = {e.id: e.status for e in (await session.scalars(select(WaitlistEntry))).all()}
        assert status == {greek: "closed", english: "closed", elsewhere: "waiting", later: "waiting", gone: "left"}
        audited = (
            await session.scalars(
                select(AuditEvent.record_id).where(
                    AuditEvent.record_kind == "waitlist_entry", AuditEvent.action == "update"
                )
            )
        ).all()
        assert set(audited) == {str(greek), str(english)} and len(audited) == 2
        queued = (await session.scalars(select(OutboxMessage.chat_id))).all()
        assert sorted(queued) == [7001, 7002]

    for minute in (1, 2, 3):  # later rounds never send it again
        await deliver_outbox(chat.app, START + timedelta(minutes=minute))
    sent = {m.chat_id: m for m in chat.api.sent()}
    assert set(sent) == {7001, 7002} and len(chat.api.sent()) == 2
    text = html_to_text(sent[7001].text)
    assert "κλειστό τη Δευτέρα 30 Νοεμβρίου" in text and "Κοινωνικός λειτουργός" in text and "Κοζάνης" in text
    assert "η αναμονή σας για θέση τελείωσε" in text
    assert "📅 Νέο ραντεβού" in [b["text"] for b in buttons_of(sent[7001])]
    english_text = html_to_text(sent[7002].text)
    assert "closed on Monday 30 November" in english_text and "waiting list has ended" in english_text

    async with db.write() as session:  # "my appointments" no longer lists the ended place
        owner = await session.scalar(select(WaitlistEntry.citizen_id).where(WaitlistEntry.id == greek))
        assert owner is not None and await places_for_citizen(session, owner, START) == []
