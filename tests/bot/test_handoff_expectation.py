"""Handing over to a person says what to expect: the official opening hours are unknown, so the bot judges by
the centre's bookable hours (inside them: someone is probably there; outside: from the next start)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import bot.handlers.handoff as handoff
from bot.local_chat import LocalChat
from tests.bot.test_handoff_roundtrip import text_of


async def open_handoff(chat: LocalChat, place: str | None) -> str:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("θέλω να μιλήσω με έναν άνθρωπο")
    await chat.press("✅ Συμφωνώ")
    replies = await (chat.say(place) if place else chat.press("🤷 Δεν ξέρω / προσπέραση"))
    return text_of(replies)


async def test_inside_bookable_hours(chat: LocalChat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff, "utcnow", lambda: datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # Wed 10:00 Athens
    text = await open_handoff(chat, "Κοζάνη")
    assert "δεν τις γνωρίζουμε" in text and "κάποιος είναι μάλλον εκεί" in text


async def test_outside_bookable_hours_names_the_next_start(chat: LocalChat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff, "utcnow", lambda: datetime(2026, 12, 5, 10, 0, tzinfo=UTC))  # Saturday noon
    text = await open_handoff(chat, "Κοζάνη")
    assert "δεν κλείνει ραντεβού" in text and "Δευτέρα 7 Δεκεμβρίου, 09:00" in text
    assert "δεν τις γνωρίζουμε" in text  # never presented as the official opening hours


async def test_no_centre_no_promise(chat: LocalChat) -> None:
    text = await open_handoff(chat, None)
    assert "δεν μπορούμε να πούμε πότε θα σας απαντήσουν" in text
