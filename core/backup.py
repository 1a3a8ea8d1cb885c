"""`koinotita backup PATH` and `koinotita restore PATH`: a consistent copy of the whole database, and back.

- SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent snapshot while the bot and the
  console keep running; the copy is checked with `PRAGMA integrity_check`. Restoring copies it back page by page
  into the live file (stop the bot and the console first: docs/deploy.md).
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`
  (the client tools of the server's major version; Debian: the `postgresql-client` package). The password, if
  the URL has one, goes to the tools through `PGPASSWORD`, never on a command line.

Backups hold personal data: they are written readable by their owner only (0600). Their retention is in
docs/deploy.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from core.db import is_sqlite


class BackupError(RuntimeError):
    """The backup or the restore could not be made; the message says why (no personal data in it)."""


def backup(database_url: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} exists: choose a new file (a backup never overwrites another)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        if is_sqlite(database_url):
            _backup_sqlite(_sqlite_path(database_url), path)
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={path}",
                    *_pg_args(database_url),
                ],
                database_url,
            )
        os.chmod(path, 0o600)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def restore(database_url: str, path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    if is_sqlite(database_url):
        _restore_sqlite(path, _sqlite_path(database_url))
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *_pg_args(database_url, flag="--dbname"),
                str(path),
            ],
            database_url,
        )


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(database)


def _backup_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such database file")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("the copy failed its integrity check")
    for suffix in ("-wal", "-shm"):  # the copy is self-contained: no write-ahead log beside it
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def _restore_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src:
        if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"{source} is not a sound SQLite database")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(target, timeout=15) as dst:
            src.backup(dst)


def _pg_args(url: str, *, flag: str = "--dbname") -> list[str]:
    u = make_url(url)
    conninfo = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return [f"{flag}={conninfo}"]


def _run(command: list[str], url: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} not found: install PostgreSQL's client tools (Debian: postgresql-client)")
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The tools' own messages name tables and options, not rows; keep the last lines for the operator.
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise BackupError(f"{command[0]} failed ({result.returncode}):\n{tail}")
