"""Conversation state and user data live in the database: a new Application on the same database — after a
clean stop or a crash — resumes where the user was. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application, start_services, stop_services
from bot.flow_state import StateStore
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat, html_to_text
from core.db import Database

from .conftest import make_settings


async def test_state_store_round_trip_writes_only_what_changed(database: Database) -> None:
    store = StateStore(["find_centre", "booking"])
    async with database.write() as session:
        await store.load(session, users=[42], chats=[42], keys=[(42, 42)])
        store.set_state("find_centre", (42, 42), "ask_place")
        store.keep_user_data(42, {"lang": "en"})
        store.keep_chat_data(42, {"x": 1})
        assert await store.save(session) == 3
        assert await store.save(session) == 0  # nothing changed since
    fresh = StateStore(["find_centre", "booking"])
    async with database.write() as session:
        await fresh.load(session, users=[42], chats=[42], keys=[(42, 42)])
        assert fresh.active_flows((42, 42)) == {"find_centre"}
        assert fresh.user_data(42) == {"lang": "en"} and fresh.chat_data(42) == {"x": 1}
        fresh.end_flows((42, 42), {"find_centre"})
        fresh.keep_user_data(42, {"lang": "en"})  # the same: not written again
        fresh.keep_chat_data(42, {})  # empty: the row goes
        assert await fresh.save(session) == 2
    again = StateStore(["find_centre", "booking"])
    async with database.session() as session:
        await again.load(session, users=[42], chats=[42], keys=[(42, 42)])
    assert again.active_flows((42, 42)) == set() and again.chat_data(42) == {} and again.user_data(42) == {"lang": "en"}


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
    # No shutdown(): as after a crash, only what each step committed survives.
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
