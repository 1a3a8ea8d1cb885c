"""Driving the real Application through the recording stand-in of the Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from bot.local_chat import LocalChat
from core.settings import Settings


@pytest.fixture(scope="session")
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(KOINOTITA_DATABASE_URL=database_url, KOINOTITA_DATA_DIR=data_dir, TELEGRAM_BOT_TOKEN=None)


@pytest.fixture
async def chat(sqlite_url: str, nlu_cache_dir: Path) -> AsyncIterator[LocalChat]:
    api = RecordingBotApi()
    app = build_application(make_settings(sqlite_url, nlu_cache_dir), request=api)
    async with app:
        await start_services(app)
        try:
            yield LocalChat(app, api)
        finally:
            await stop_services(app)
