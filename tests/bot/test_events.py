"""ask_events: the published, upcoming events from the database, in Athens time, after the topic's intro."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.local_chat import LocalChat, html_to_text
from core.events import create_event


def text_of(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def start_in(chat: LocalChat, label: str) -> None:
    await chat.say("/start")
    await chat.press(label)


async def add_events(chat: LocalChat) -> datetime:
    """Three visible events and two that must not show; returns the first one's start (UTC)."""
    now = datetime.now(UTC)
    # 2 days ahead at 16:00 UTC: 18:00 in Athens in winter, 19:00 in summer.
    first = (now + timedelta(days=2)).replace(hour=16, minute=0, second=0, microsecond=0)
    async with chat.app.services.db.session() as session:
        await create_event(
            session,
            title="Ενημέρωση για το ΕΕΕ",
            starts_at=first,
            centre_id="kk-kozani",
            place="Αίθουσα Δημοτικού Συμβουλίου",
            published=True,
        )
        await create_event(
            session,
            title="Εργαστήρι βιογραφικού",
            starts_at=first + timedelta(days=3),
            centre_id="kk-florina",
            published=True,
        )
        await create_event(session, title="Πρόχειρη εκδήλωση", starts_at=first + timedelta(days=1))
        await create_event(session, title="Παλιά εκδήλωση", starts_at=now - timedelta(days=1), published=True)
        await session.commit()
    return first


async def test_free_text_lists_published_upcoming_events_in_athens_time(chat: LocalChat) -> None:
    first = await add_events(chat)
    await start_in(chat, "🇬🇷 Ελληνικά")
    replies = await chat.say("εχετε εκδηλωσεις")
    text = text_of(replies)
    assert "Τα Κέντρα Κοινότητας οργανώνουν εκδηλώσεις" in text  # the topic's intro comes first
    assert text.index("Ενημέρωση για το ΕΕΕ") < text.index("Εργαστήρι βιογραφικού")
    local = first.astimezone(ZoneInfo("Europe/Athens"))
    assert f"{local.day}/{local.month}/{local.year}, {local:%H:%M}" in text
    assert "Αίθουσα Δημοτικού Συμβουλίου" in text
    assert "Κέντρο Κοινότητας Δήμου Φλώρινας" in text  # no place given: the centre's name
    assert "Πρόχειρη" not in text and "Παλιά" not in text
    assert replies[-1].reply_markup is not None  # the next steps under the last message only
    assert all(m.reply_markup is None for m in replies[:-1])


async def test_english_from_the_topics_menu(chat: LocalChat) -> None:
    await add_events(chat)
    await start_in(chat, "🇬🇧 English")
    await chat.press("📋 Benefits and help")
    replies = await chat.press("📅 Events and activities")
    text = text_of(replies)
    assert "Community Centre of the Municipality of Florina" in text
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    assert any(day in text for day in weekdays)


async def test_no_events_is_said_kindly(chat: LocalChat) -> None:
    await start_in(chat, "🙂 Απλά ελληνικά")
    replies = await chat.say("ekdiloseis sto kentro")
    assert "Δεν έχουμε νέες εκδηλώσεις ακόμη" in text_of(replies)
