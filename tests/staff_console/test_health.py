"""/healthz, /readyz and /metrics on the console's server: what they answer, when they say not ready, and that no
personal data is ever in them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from core.db import Database
from core.models import Citizen, utcnow
from core.models.handoff import OutboxMessage
from core.settings import Settings
from staff_console.app import create_app
from tests.staff_console.conftest import Console


def client_for(settings: Settings, db: Database) -> httpx.AsyncClient:
    app = create_app(settings, database=db)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def test_alive_and_ready_with_a_migrated_database_and_a_model(database: Database, tmp_path: Path) -> None:
    (tmp_path / "nlu-cache").mkdir()
    (tmp_path / "nlu-cache" / "builtin-0123.pickle").write_bytes(b"model")
    settings = Settings(KOINOTITA_DATABASE_URL=database.url, KOINOTITA_DATA_DIR=tmp_path, TELEGRAM_BOT_TOKEN=None)
    async with client_for(settings, database) as client:
        alive = await client.get("/healthz")
        assert alive.json() == {"status": "ok"}, alive.text
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": True, "nlu": True}


async def test_not_ready_says_which_check_failed(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    try:
        settings = Settings(
            KOINOTITA_DATABASE_URL=sqlite_url,
            KOINOTITA_DATA_DIR=tmp_path,
            TELEGRAM_BOT_TOKEN=None,
            KOINOTITA_NLU_BACKEND="rasa",
            KOINOTITA_RASA_URL="http://127.0.0.1:9",
        )
        async with client_for(settings, db) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"database": True, "nlu": False, "rasa": False}
            async with db.write() as session:  # a database behind this code's migrations
                await session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
            assert (await client.get("/readyz")).json()["checks"]["database"] is False
            assert (await client.get("/healthz")).status_code == 200  # alive all the same
    finally:
        await db.dispose()


async def test_metrics_show_backlogs_and_no_personal_data(console: Console) -> None:
    now = utcnow()
    async with console.db.write() as session:
        session.add(Citizen(telegram_id=612345678, name="Μαρία Παπαδοπούλου", phone="6912345678", unreachable_at=now))
        session.add(
            OutboxMessage(
                chat_id=612345678,
                kind="staff_reply",
                text="Καλησπέρα κυρία Μαρία",
                created_at=now - timedelta(minutes=5),
                next_attempt_at=now,
            )
        )
    console.clock.now = now
    async with console.client() as client:
        response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert re.search(r"^koinotita_outbox_backlog 1\.0$", body, re.M)
    age = float(re.search(r"^koinotita_outbox_oldest_age_seconds (\S+)$", body, re.M).group(1))  # type: ignore[union-attr]
    assert 290 <= age <= 310
    assert re.search(r"^koinotita_citizens_unreachable 1\.0$", body, re.M)
    for name in (
        "koinotita_updates_total",
        "koinotita_update_seconds",
        "koinotita_nlu_results_total",
        "koinotita_ratelimit_wait_seconds",
        "koinotita_telegram_retry_after_total",
        "koinotita_reminder_lag_seconds",
        "koinotita_job_runs_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body, name
    for secret in ("612345678", "Μαρία", "6912345678", "Καλησπέρα"):
        assert secret not in body
