"""Webhook mode: the real PTB webhook server on localhost, Telegram's secret token checked on every call."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import httpx

from bot.app import build_application, start_services, stop_services
from bot.local_api import RecordingBotApi
from core.settings import RunMode, Settings
from koinotita.runner import WEBHOOK_PATH, start_updates

SECRET = "s3cret-token-for-the-webhook-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1764000000,
            "chat": {"id": 99, "type": "private"},
            "from": {"id": 99, "is_bot": False, "first_name": "Π"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_accepts_only_calls_with_the_secret_token(sqlite_url: str, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings.model_validate(
        {
            "KOINOTITA_DATABASE_URL": sqlite_url,
            "KOINOTITA_DATA_DIR": tmp_path,
            "TELEGRAM_BOT_TOKEN": "123456:TEST",
            "KOINOTITA_SECRET_KEY": "k" * 40,
            "KOINOTITA_WEBHOOK_URL": "https://bot.example.org/telegram",
            "KOINOTITA_WEBHOOK_SECRET": SECRET,
            "KOINOTITA_WEBHOOK_PORT": port,
        }
    )
    assert settings.run_mode is RunMode.WEBHOOK
    api = RecordingBotApi()
    app = build_application(settings, request=api)
    async with app:
        await start_services(app)
        await start_updates(app, settings, RunMode.WEBHOOK)
        await app.start()
        try:
            set_webhook = api.calls_to("setWebhook")
            assert set_webhook and set_webhook[0].params["secret_token"] == SECRET
            url = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
            async with httpx.AsyncClient() as client:
                forged = await client.post(
                    url,
                    content=json.dumps(start_update(1)),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "wrong"},
                )
                missing = await client.post(
                    url, content=json.dumps(start_update(2)), headers={"Content-Type": "application/json"}
                )
                genuine = await client.post(
                    url,
                    content=json.dumps(start_update(3)),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            assert forged.status_code == 403
            assert missing.status_code == 403
            assert genuine.status_code == 200
            for _ in range(100):  # the update queue is processed in the background
                if api.calls_to("sendMessage"):
                    break
                await asyncio.sleep(0.05)
            sent = api.calls_to("sendMessage")
            assert len(sent) == 1  # only the genuine call was processed
            assert "Πώς θέλετε να μιλάμε" in sent[0].params["text"]
            async with httpx.AsyncClient() as client:  # Telegram sends it again (it missed our 200): not again
                again = await client.post(
                    url,
                    content=json.dumps(start_update(3)),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            assert again.status_code == 200
            await asyncio.sleep(0.5)
            assert len(api.calls_to("sendMessage")) == 1
        finally:
            assert app.updater is not None
            await app.updater.stop()
            await app.stop()
            await stop_services(app)
