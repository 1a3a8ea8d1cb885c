"""What the database cannot hold is stopped at the edge: NUL and other control characters are removed from every
update (a NUL in a name used to make every later save fail on PostgreSQL), and a message longer than the bot can
keep gets a kind answer and changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_application, start_services, stop_services
from bot.edge import MAX_TEXT_CHARS, clean_payload, clean_text
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, html_to_text
from core.models import BotState, Citizen
from core.models.booking import Appointment

from .conftest import make_settings


@pytest.fixture
async def any_chat(db_url: str, nlu_cache_dir: Path) -> AsyncIterator[LocalChat]:
    api = RecordingBotApi()
    app = build_application(make_settings(db_url, nlu_cache_dir), request=api)
    async with app:
        await start_services(app)
        try:
            yield LocalChat(app, api, user_id=31337, first_name="Ma\x00ria\x07")
        finally:
            await stop_services(app)


def test_control_characters_are_removed_and_lines_kept() -> None:
    assert clean_text("Μα\x00ρία\x1b[0m\tΠ.\r\nΚοζάνη\x7f\x85") == "Μαρία[0m Π.\nΚοζάνη"
    assert clean_text("απλό κείμενο 🙂") == "απλό κείμενο 🙂"
    assert clean_payload({"message": {"text": "a\x00b", "entities": [{"offset": 0}]}}) == {
        "message": {"text": "ab", "entities": [{"offset": 0}]}
    }


async def test_a_nul_in_a_name_never_blocks_the_booking(any_chat: LocalChat) -> None:
    chat = any_chat
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.say("Θέλω να κλείσω ραντεβού")
    await chat.say("Φλώρινα")
    await chat.press("📍 Φλώρινα — Κέντρο Κοινότητας")
    await chat.press("👥 Κοινωνικός λειτουργός")
    await chat.press("⏩ Η πρώτη ελεύθερη ώρα")
    await chat.press("✅ Κλείστε αυτή την ώρα")
    replies = await chat.say("Μαρία\x00 Παπαδοπούλου\x1f")
    assert "τηλέφωνο" in "\n".join(html_to_text(m.text) for m in replies)
    await chat.say("691 234 5678")
    replies = await chat.press("✅ Συμφωνώ")
    assert "Το ραντεβού κλείστηκε" in "\n".join(html_to_text(m.text) for m in replies)
    async with chat.app.services.db.session() as session:
        citizen = await session.scalar(select(Citizen).where(Citizen.telegram_id == chat.user_id))
        booked = await session.scalar(select(func.count()).select_from(Appointment))
    assert citizen is not None and citizen.name == "Μαρία Παπαδοπούλου" and booked == 1
    replies = await chat.say("/menu")  # and every later save for this citizen still works
    assert replies


async def test_a_message_too_long_is_refused_kindly_and_changes_nothing(any_chat: LocalChat) -> None:
    chat = any_chat
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    await chat.press_data("m:centre")  # waiting for a place
    async with chat.app.services.db.session() as session:
        before = (
            await session.execute(
                select(BotState.kind, BotState.key, BotState.data).order_by(BotState.kind, BotState.key)
            )
        ).all()
    replies = await chat.say("Κοζάνη " * (MAX_TEXT_CHARS // 7 + 10))
    assert len(replies) == 1 and f"ως {MAX_TEXT_CHARS} χαρακτήρες" in html_to_text(replies[0].text)
    async with chat.app.services.db.session() as session:
        after = (
            await session.execute(
                select(BotState.kind, BotState.key, BotState.data).order_by(BotState.kind, BotState.key)
            )
        ).all()
    assert after == before
    replies = await chat.say("Κοζάνη")  # the flow still waits for the place
    assert "Κοζάνης" in "\n".join(html_to_text(m.text) for m in replies)
