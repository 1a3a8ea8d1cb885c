"""Announcements end to end: opting in and out through the real Application, delivery in each citizen's register,
and 5,000 stand-in recipients with a crash midway — each citizen gets it exactly once; blocked and refused ones
are reported."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select, update

from bot.announcements import deliver_announcements
from bot.app import build_application, start_services, stop_services
from bot.fault_plan import FaultPlan, SimulatedCrash
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, buttons_of, html_to_text
from core.announcements import create_announcement, queue_announcement, report, subscriptions_of
from core.db import Database
from core.models import Citizen, utcnow
from core.models.announcement import DONE, Announcement, AnnouncementSubscription
from tests.bot.conftest import make_settings

CENTRE = "kk-kozani"


async def announce(
    db: Database,
    *,
    centre_id: str | None = CENTRE,
    simple: str | None = None,
    en: str | None = None,
    text: str = "Εκδήλωση για παιδιά το Σάββατο στις 11:00.",
) -> int:
    async with db.write() as session:
        announcement = await create_announcement(
            session, centre_id=centre_id, text_el=text, text_simple=simple, text_en=en, created_by="coordinator"
        )
        await queue_announcement(session, announcement.id, now=utcnow())
        return announcement.id


async def test_opt_in_receive_in_my_register_and_opt_out(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🙂 Απλά ελληνικά")
    replies = await chat.say("/subscribe")
    assert "Δεν παίρνετε νέα από κανένα Κέντρο" in html_to_text(replies[-1].text)
    await chat.press("📋 Άλλο Κέντρο")
    replies = await chat.press("🔔 Κέντρο Κοινότητας Δήμου Κοζάνης")
    assert "Θα σας στέλνουμε νέα από" in html_to_text(replies[-1].text)
    db = chat.app.services.db
    await announce(db, simple="Παιδική γιορτή το Σάββατο, 11:00.", en="Children's party on Saturday, 11:00.")
    counts = await deliver_announcements(chat.app, utcnow())
    assert counts["sent"] == 1
    message = chat.api.sent()[-1]
    assert "Παιδική γιορτή το Σάββατο" in message.text and "Κοζάνης" in message.text  # the easy-to-read version
    assert [b["text"] for b in buttons_of(message)] == ["🔕 Όχι άλλα μηνύματα"]
    replies = await chat.press("🔕 Όχι άλλα μηνύματα")
    assert "Δεν θα σας στέλνουμε άλλα νέα από" in html_to_text(replies[-1].text)
    async with db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
        assert citizen is not None and await subscriptions_of(session, citizen.id) == []
    before = len(chat.api.sent())
    await announce(db)
    assert (await deliver_announcements(chat.app, utcnow()))["sent"] == 0
    assert len(chat.api.sent()) == before


async def test_the_menu_button_and_unsubscribe_everything(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇧 English")
    replies = await chat.say("/menu")
    assert "📣 Announcements" in [b["text"] for m in replies for b in buttons_of(m)]
    await chat.press("📣 Announcements")
    await chat.press("📋 Another centre")
    await chat.press("🔔 Community Centre of the Municipality of Florina")
    await announce(chat.app.services.db, centre_id=None, text="Νέα προθεσμία αιτήσεων.", en="New deadline.")
    await deliver_announcements(chat.app, utcnow())
    assert "New deadline." in chat.api.sent()[-1].text
    replies = await chat.say("/unsubscribe")
    assert "no more announcements" in html_to_text(replies[-1].text)


async def test_5000_recipients_a_crash_midway_each_exactly_once(db_url: str, nlu_cache_dir: Path) -> None:
    # 5,000 on SQLite; the same on PostgreSQL with 1,000 (the suite runs on a small shared machine).
    n = 5000 if db_url.startswith("sqlite") else 1000
    blocked, refused = {900_000 + i for i in range(0, n, n // 10)}, 900_123
    plan = FaultPlan.parse(f"crash after={n // 2} times=1 method=sendMessage; 400-too-long chat={refused}")
    for chat_id in blocked:
        plan.block(chat_id)
    api = RecordingBotApi(plan)  # Telegram's side: it outlives the crashed process
    settings = make_settings(db_url, nlu_cache_dir)
    db = Database(db_url)
    try:
        async with db.write() as session:
            await session.execute(insert(Citizen), [{"telegram_id": 900_000 + i, "language": "el"} for i in range(n)])
        async with db.write() as session:
            ids = list(await session.scalars(select(Citizen.id).where(Citizen.telegram_id >= 900_000)))
            await session.execute(
                insert(AnnouncementSubscription), [{"citizen_id": i, "centre_id": CENTRE} for i in ids]
            )
        announcement_id = await announce(db)

        first = build_application(settings, database=Database(db_url), request=api)
        await first.initialize()
        try:
            await deliver_announcements(first, utcnow())
            raise AssertionError("the plan's crash did not happen")
        except SimulatedCrash:
            pass  # the process died in the middle of a Telegram call; nothing more of it runs
        delivered_before_restart = len(api.sent())
        assert n * 0.4 < delivered_before_restart < n // 2 + 1

        second = build_application(settings, database=Database(db_url), request=api)
        async with second:
            await start_services(second)
            counts = await deliver_announcements(second, utcnow())
            await stop_services(second)
        per_chat = Counter(m.chat_id for m in api.sent())
        assert set(per_chat) == {900_000 + i for i in range(n)} - blocked - {refused}
        assert set(per_chat.values()) == {1}  # exactly once each, across the crash
        assert counts["sent"] == n - len(blocked) - 1 - delivered_before_restart
        async with db.session() as session:
            totals = await report(session, announcement_id)
            status = await session.scalar(select(Announcement.status).where(Announcement.id == announcement_id))
            unreachable = set(
                await session.scalars(select(Citizen.telegram_id).where(Citizen.unreachable_at.is_not(None)))
            )
        assert totals == {"pending": 0, "sent": n - len(blocked) - 1, "blocked": len(blocked), "failed": 1}
        assert status == DONE
        assert unreachable == blocked  # shown in the console; the next announcement skips them at once
    finally:
        await db.dispose()


async def test_opting_in_with_one_tap_after_a_booking(chat: LocalChat) -> None:
    from tests.bot.test_booking_flow import appointments, book_first_free

    replies = await book_first_free(chat)
    assert "🔔 Θέλω ανακοινώσεις από αυτό το Κέντρο" in [b["text"] for m in replies for b in buttons_of(m)]
    replies = await chat.press("🔔 Θέλω ανακοινώσεις από αυτό το Κέντρο")
    assert "Θα λαμβάνετε τις ανακοινώσεις του Κέντρου" in html_to_text(replies[-1].text)
    (booked,) = await appointments(chat)
    async with chat.app.services.db.session() as session:
        assert await subscriptions_of(session, booked.citizen_id) == [booked.centre_id]


async def test_a_citizen_marked_unreachable_after_sending_began_is_skipped_without_a_call(
    db_url: str, nlu_cache_dir: Path
) -> None:
    """Marked by another replica (this Application's rate limiter never heard of it): the query skips them."""
    api = RecordingBotApi()
    db = Database(db_url)
    try:
        async with db.write() as session:
            await session.execute(insert(Citizen), [{"telegram_id": c, "language": "el"} for c in (910_001, 910_002)])
        async with db.write() as session:
            ids = list(await session.scalars(select(Citizen.id).where(Citizen.telegram_id >= 910_001)))
            await session.execute(
                insert(AnnouncementSubscription), [{"citizen_id": i, "centre_id": CENTRE} for i in ids]
            )
        announcement_id = await announce(db)
        async with db.write() as session:
            await session.execute(update(Citizen).where(Citizen.telegram_id == 910_002).values(unreachable_at=utcnow()))
        app = build_application(make_settings(db_url, nlu_cache_dir), database=Database(db_url), request=api)
        await app.initialize()
        counts = await deliver_announcements(app, utcnow())
        await app.services.db.dispose()
        assert counts["sent"] == 1 and counts["blocked"] == 1
        assert [m.chat_id for m in api.sent()] == [910_001]
        assert not [c for c in api.calls if c.params.get("chat_id") == 910_002]
        async with db.session() as session:
            assert (await report(session, announcement_id))["blocked"] == 1
    finally:
        await db.dispose()
