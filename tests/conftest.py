"""Shared fixtures: a fresh, migrated and seeded database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from `KOINOTITA_TEST_POSTGRES_URL` (scripts/test.sh starts a throw-away cluster and sets it).
Without it, PostgreSQL-parametrised tests fail with a message saying so: they are never skipped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from core.db import Database
from core.migrate import upgrade
from core.seed import seed_reference_data

BACKENDS = ("sqlite", "postgresql")
# One template per test run, so that runs sharing a cluster (developers in parallel) never collide.
PG_TEMPLATE = f"koinotita_template_{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rasa: trains and serves a real Rasa model (slow)")


def _seed(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        try:
            await seed_reference_data(db)
        finally:
            await db.dispose()

    asyncio.run(go())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    _seed(url)
    return path


def _pg_admin_url() -> str:
    url = os.environ.get("KOINOTITA_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "KOINOTITA_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts "
            "a throw-away PostgreSQL cluster (or start one with scripts/pg-start.sh and export its URL)"
        )
    return url


def _psycopg_dsn(url: str, database: str) -> str:
    u = make_url(url).set(drivername="postgresql", database=database)
    return u.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    admin = _pg_admin_url()
    with psycopg.connect(_psycopg_dsn(admin, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_TEMPLATE}"')
    url = make_url(admin).set(database=PG_TEMPLATE).render_as_string(hide_password=False)
    upgrade(url)
    _seed(url)
    yield admin
    with psycopg.connect(_psycopg_dsn(admin, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)')


def fresh_database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "koinotita.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    admin: str = request.getfixturevalue("pg_template")
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_psycopg_dsn(admin, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_psycopg_dsn(admin, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated + seeded database, once on SQLite and once on PostgreSQL."""
    yield from fresh_database_url(request, request.param, tmp_path)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite database, for tests of flows whose database behaviour is covered elsewhere."""
    yield from fresh_database_url(request, "sqlite", tmp_path)


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    try:
        yield db
    finally:
        await db.dispose()
