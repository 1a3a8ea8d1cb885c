"""Console fixtures: the real app over httpx's ASGI transport, a controllable clock, one account per role."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from core.db import Database
from core.settings import Settings
from core.users import create_user
from staff_console.app import create_app
from tests.bot.conftest import chat, nlu_cache_dir  # noqa: F401  (console tests that drive the bot too)

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

# username -> (role, centre)
ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "coord": ("coordinator", None),
    "kozani": ("staff", "kk-kozani"),
    "kastoria": ("staff", "kk-kastoria"),
    "mediator": ("mediator", "annex-roma-kastoria"),
    "nestorio": ("staff", "unit-nestorio"),  # a regional unit run from Καστοριά: sees only its own records
}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Console:
    app: FastAPI
    db: Database
    clock: Clock
    user_ids: dict[str, int]
    secure: bool

    def client(self) -> httpx.AsyncClient:
        base = "https://console.test" if self.secure else "http://127.0.0.1"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=base)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def forged_from(token: str) -> str:
    """The token with its last four characters changed: never equal to it, whatever it ends with."""
    tail = "AAAA" if token[-4:] != "AAAA" else "BBBB"
    return token[:-4] + tail


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"csrf_token": csrf_of(page.text), "username": username, "password": password}
    )


async def login_ok(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    response = await login(client, username)
    assert response.status_code == 303, response.text
    return client


async def page_csrf(client: httpx.AsyncClient, path: str = "/password") -> str:
    return csrf_of((await client.get(path)).text)


async def make_console(db: Database, *, secure: bool) -> Console:
    ids: dict[str, int] = {}
    async with db.session() as session:
        for username, (role, centre) in ACCOUNTS.items():
            user = await create_user(session, username=username, role=role, password=PASSWORD, centre_id=centre)
            ids[username] = user.id
        await session.commit()
    clock = Clock()
    settings = Settings(KOINOTITA_DATABASE_URL=db.url, TELEGRAM_BOT_TOKEN=None)
    return Console(create_app(settings, database=db, clock=clock, secure_cookies=secure), db, clock, ids, secure)


@pytest.fixture
async def console(database: Database) -> Console:
    """On SQLite and PostgreSQL, cookies as outside local mode (Secure, __Host-)."""
    return await make_console(database, secure=True)


@pytest.fixture
async def sqlite_console(sqlite_url: str) -> AsyncIterator[Console]:
    db = Database(sqlite_url)
    try:
        yield await make_console(db, secure=True)
    finally:
        await db.dispose()
