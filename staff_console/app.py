"""The staff console: `create_app(settings)` builds the FastAPI application (serve it with uvicorn)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from core.db import Database
from core.models import utcnow
from core.settings import RunMode, Settings
from staff_console import cookies, health
from staff_console.catalogue import t
from staff_console.errors import BadRequest, CsrfFailed, Forbidden, NotFound, NotLoggedIn
from staff_console.live import LiveHub
from staff_console.routes import ROUTERS, route_table
from staff_console.web import build_environment, render

STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    # Scripts only from the console itself (the live-update script); no inline script, no other origin.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self' data:; media-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def security_headers(path: str, *, secure: bool) -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    if not path.startswith("/static/"):
        # Pages carry personal data: never keep them in a shared computer's cache.
        headers["Cache-Control"] = "no-store"
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


class SecurityHeaders:
    """Plain ASGI middleware (it also sees streamed responses): the headers go on every response it passes."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""), secure=self.secure)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                for name, value in extra.items():
                    key = name.lower().encode("latin-1")
                    if key == b"cache-control" or key not in present:
                        headers = [h for h in headers if h[0].lower() != key]
                        headers.append((key, value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
    live = LiveHub(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await live.close()
        if owns_database:
            await db.dispose()

    app = FastAPI(title=t("app.title"), docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.db = db
    app.state.clock = clock or utcnow
    app.state.secret = settings.secret_key.get_secret_value()
    app.state.secure_cookies = (settings.run_mode is not RunMode.LOCAL) if secure_cookies is None else secure_cookies
    app.state.templates = build_environment()
    app.state.settings = settings
    app.include_router(health.router)  # /healthz, /readyz, /metrics: for monitoring, no login, no personal data
    app.state.live = live
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.route_names = frozenset(r.name for r in route_table())
    app.add_middleware(SecurityHeaders, secure=bool(app.state.secure_cookies))
    # The client's address (login throttling) comes from X-Forwarded-For only when the connection is from a
    # configured proxy (KOINOTITA_TRUSTED_PROXIES); otherwise it is the connection's own address.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    _install_error_pages(app)
    return app


def _error_page(request: Request, status_code: int, title: str, message: str) -> Response:
    return render(
        request,
        "error.html",
        viewer=getattr(request.state, "viewer", None),
        status_code=status_code,
        title=t(title),
        message=t(message),
    )


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def _login_first(request: Request, _exc: NotLoggedIn) -> Response:
        response = RedirectResponse("/login", status_code=303)
        cookies.clear_cookie(request, response, cookies.SESSION)
        return response

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return _error_page(request, 403, "error.forbidden_title", "error.forbidden")

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return _error_page(request, 403, "error.csrf_title", "error.csrf")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: NotFound) -> Response:
        return _error_page(request, 404, "error.not_found_title", "error.not_found")

    @app.exception_handler(BadRequest)
    async def _bad_request(request: Request, _exc: BadRequest) -> Response:
        return _error_page(request, 400, "error.bad_request_title", "error.bad_request")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _exc: RequestValidationError) -> Response:
        # A path or query value of the wrong type (/intakes/abc): the same 400 page, never a JSON dump.
        return _error_page(request, 400, "error.bad_request_title", "error.bad_request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(request, 404, "error.not_found_title", "error.not_found")
        return _error_page(request, exc.status_code, "error.generic_title", "error.generic")

    @app.exception_handler(Exception)
    async def _server_error(request: Request, _exc: Exception) -> Response:
        # Starlette answers an unhandled error outside every middleware: the headers are put on here.
        response = _error_page(request, 500, "error.server_title", "error.server")
        response.headers.update(security_headers(request.url.path, secure=bool(request.app.state.secure_cookies)))
        return response
