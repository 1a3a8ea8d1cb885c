"""Health and metrics on the console's server, for the machine's monitoring — not for people, no personal data.

- `GET /healthz`: the process is alive (no database call), 200.
- `GET /readyz`: 200 when it can serve: the database answers and is migrated to this code's head; the NLU model
  is loaded (in `koinotita run`, where the bot shares the process) or present in the model cache for the bot to
  load; the Rasa sidecar answers when `KOINOTITA_NLU_BACKEND=rasa`. 503 otherwise, with which check failed.
- `GET /metrics`: Prometheus text format (core/metrics.py), the database gauges refreshed at each scrape.

The reverse proxy does not forward these paths (docs/deploy.md): they are scraped on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.health import database_at_head, refresh_gauges
from core.settings import Settings

router = APIRouter()
RASA_TIMEOUT_S = 2.0


def migration_heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from core.migrate import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def nlu_model_cached(settings: Settings) -> bool:
    directory = settings.nlu_cache_dir
    return directory.is_dir() and any(directory.glob("builtin-*.pickle"))


async def rasa_answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=RASA_TIMEOUT_S) as client:
            response = await client.get(f"{url.rstrip('/')}/version")
        return response.status_code == 200
    except httpx.HTTPError:
        return False


@router.get("/healthz", name="health.live")
async def healthz() -> Response:
    return JSONResponse({"status": "ok"})


@router.get("/readyz", name="health.ready")
async def readyz(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    checks: dict[str, bool] = {}
    try:
        async with request.app.state.db.session() as session:
            checks["database"] = await database_at_head(session, migration_heads())
    except Exception:  # unreachable, wrong credentials, not migrated: not ready, whatever the reason
        checks["database"] = False
    nlu_loaded: Callable[[], bool] | None = getattr(request.app.state, "nlu_loaded", None)
    checks["nlu"] = nlu_loaded() if nlu_loaded is not None else nlu_model_cached(settings)
    if settings.nlu_backend == "rasa":
        checks["rasa"] = await rasa_answers(settings.rasa_url)
    ready = all(checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", name="health.metrics")
async def metrics_page(request: Request) -> Response:
    try:
        async with request.app.state.db.session() as session:
            await refresh_gauges(session, request.app.state.clock())
    except Exception:  # the counters are still worth scraping when the database is away
        pass
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
