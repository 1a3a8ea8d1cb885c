"""The staff console: `create_app(settings)` builds the FastAPI application (serve it with uvicorn)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from core.db import Database
from core.models import utcnow
from core.settings import RunMode, Settings
from staff_console import cookies
from staff_console.catalogue import t
from staff_console.errors import CsrfFailed, Forbidden, NotFound, NotLoggedIn
from staff_console.routes import ROUTERS, route_table
from staff_console.web import build_environment, render

STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    # No scripts at all: every page works with plain forms and links.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            # Pages carry personal data: never keep them in a shared computer's cache.
            response.headers["Cache-Control"] = "no-store"
        if request.app.state.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    clock: Callable[[], datetime] | None = None,
    secure_cookies: bool | None = None,
) -> FastAPI:
    """The console. `database`: share an open one (tests, `koinotita run`), else one is opened from settings and
    closed at shutdown. `secure_cookies`: default True outside local mode (see staff_console/cookies.py)."""
    owns_database = database is None
    db = database or Database(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            await db.dispose()

    app = FastAPI(title=t("app.title"), docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.db = db
    app.state.clock = clock or utcnow
    app.state.secret = settings.secret_key.get_secret_value()
    app.state.secure_cookies = (settings.run_mode is not RunMode.LOCAL) if secure_cookies is None else secure_cookies
    app.state.templates = build_environment()
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.route_names = frozenset(r.name for r in route_table())
    app.add_middleware(SecurityHeaders)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def _login_first(request: Request, _exc: NotLoggedIn) -> Response:
        response = RedirectResponse("/login", status_code=303)
        cookies.clear_cookie(request, response, cookies.SESSION)
        return response

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return render(request, "error.html", viewer=getattr(request.state, "viewer", None), status_code=403,
                      title=t("error.forbidden_title"), message=t("error.forbidden"))

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return render(request, "error.html", viewer=getattr(request.state, "viewer", None), status_code=403,
                      title=t("error.csrf_title"), message=t("error.csrf"))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: NotFound) -> Response:
        return _not_found_page(request)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _not_found_page(request)
        return render(request, "error.html", viewer=getattr(request.state, "viewer", None),
                      status_code=exc.status_code, title=t("error.generic_title"),
                      message=t("error.generic"))


def _not_found_page(request: Request) -> Response:
    return render(request, "error.html", viewer=getattr(request.state, "viewer", None), status_code=404,
                  title=t("error.not_found_title"), message=t("error.not_found"))
