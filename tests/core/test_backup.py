"""Backup → restore round trip on SQLite and PostgreSQL, through the `koinotita` command: every table's row count
is back, a booking made before the backup is there, a change made after it is gone; the file is private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from core.booking import service
from core.booking.availability import availability_for, bookable_days, free_slots
from core.db import Database
from core.models import Base, Citizen
from core.models.booking import Appointment


def koinotita(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOINOTITA_DATABASE_URL": url}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "koinotita", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


async def row_counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {
            name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in Base.metadata.tables.items()
        }


async def book_one(db: Database) -> int:
    now = datetime.now(UTC)
    async with db.write() as session:
        citizen = Citizen(telegram_id=555_000_111, language="el", name="Ελένη Δημητρίου")
        session.add(citizen)
        await session.flush()
        avail = await availability_for(session, "kk-kozani", "social_worker")
        assert avail is not None
        day = next(d.day for d in await bookable_days(session, avail, now=now) if d.free)
        slot = (await free_slots(session, avail, day, now=now))[0]
        appointment = await service.book(
            session,
            citizen_id=citizen.id,
            centre_id="kk-kozani",
            service="social_worker",
            starts_at=slot.starts_at,
            now=now,
        )
        return appointment.id


async def test_backup_then_restore_brings_back_exactly_what_was_there(database: Database, tmp_path: Path) -> None:
    appointment_id = await book_one(database)
    before = await row_counts(database)
    path = tmp_path / "backups" / "koinotita.backup"
    made = koinotita("backup", str(path), url=database.url)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert koinotita("backup", str(path), url=database.url).returncode == 2  # never overwrites a backup

    async with database.write() as session:  # life goes on after the backup
        session.add(Citizen(telegram_id=555_000_222, language="en"))
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None
        appointment.status = "cancelled"
    await database.dispose()  # the bot and the console are stopped for a restore

    restored = koinotita("restore", str(path), url=database.url)
    assert restored.returncode == 0, restored.stderr
    assert await row_counts(database) == before
    async with database.session() as session:
        appointment = await session.get(Appointment, appointment_id)
        assert appointment is not None and appointment.status == "booked"
        assert await session.scalar(select(Citizen).where(Citizen.telegram_id == 555_000_222)) is None
    assert koinotita("db", "upgrade", url=database.url).returncode == 0  # the restored database is usable


def test_a_missing_backup_file_is_refused(tmp_path: Path) -> None:
    result = koinotita("restore", str(tmp_path / "none.backup"), url=f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode == 2 and "no such backup file" in result.stderr
