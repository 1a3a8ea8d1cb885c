"""Conversation state and user data live in the database: a new Application on the same database — after a
clean stop or a crash — resumes where the user was. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, html_to_text
from bot.persistence import SQLAlchemyPersistence
from core.db import Database

from .conftest import make_settings


async def test_persistence_round_trip(database: Database) -> None:
    persistence = SQLAlchemyPersistence(database)
    await persistence.update_conversation("find_centre", (42, 42), "ask_place")
    await persistence.update_user_data(42, {"lang": "en"})
    await persistence.update_chat_data(42, {"x": 1})
    fresh = SQLAlchemyPersistence(database)
    assert await fresh.get_conversations("find_centre") == {(42, 42): "ask_place"}
    assert (await fresh.get_user_data())[42] == {"lang": "en"}
    assert (await fresh.get_chat_data())[42] == {"x": 1}
    await fresh.update_conversation("find_centre", (42, 42), None)
    await fresh.drop_user_data(42)
    assert await fresh.get_conversations("find_centre") == {}
    assert 42 not in await fresh.get_user_data()


async def test_a_new_application_resumes_the_conversation(db_url: str, nlu_cache_dir: Path) -> None:
    settings = make_settings(db_url, nlu_cache_dir)
    first_api = RecordingBotApi()
    first = build_application(settings, request=first_api)
    await first.initialize()
    await start_services(first)
    chat = LocalChat(first, first_api, user_id=5151)
    await chat.say("/start")
    await chat.press("🇬🇧 English")
    await chat.press("📍 My Community Centre")  # now waiting for a place
    # No shutdown(): as after a crash, only what was written after each update survives.
    await first.services.db.dispose()

    second_api = RecordingBotApi()
    second = build_application(settings, request=second_api)
    async with second:
        await start_services(second)
        try:
            resumed = LocalChat(second, second_api, user_id=5151)
            replies = await resumed.say("📋 List of centres")  # only the waiting conversation knows this label
            assert "Choose a Community Centre" in html_to_text(replies[0].text)  # and the language survived
        finally:
            await stop_services(second)
