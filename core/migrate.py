"""Applying Alembic migrations programmatically (`koinotita db upgrade`, `koinotita run`, tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from core.db import sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


# Tables the database keeps by itself (triggers), with no model: core.intake_counts' monthly intake counts.
DATABASE_KEPT = frozenset({"intake_month_count"})


def for_dialect(dialect: str) -> Callable[..., bool]:
    """Alembic `include_object`: leave out what the models create on another database only (an index declared
    with `.ddl_if(dialect=...)`, e.g. PostgreSQL's GIN index on intake topics) and the tables the database keeps
    by itself, so models and migrations compare equal on each backend."""

    def include(obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        if type_ == "table" and name in DATABASE_KEPT:
            return False
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect

    return include


def upgrade(database_url: str, revision: str = "heads") -> None:
    database = make_url(database_url).database
    if make_url(database_url).get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)
