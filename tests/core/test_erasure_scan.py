"""Complete erasure: after /forget (core.privacy.forget_citizen) and after the retention purge, no text or JSON
column of any table — found from the metadata, so a table added later is scanned too — holds the person's name,
phone, ΑΜΚΑ or the words of their messages. On SQLite the database and write-ahead log files are read too."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.engine import make_url

from core.db import Database
from core.handoff import close_conversation, enqueue_staff_reply, open_conversation, record_citizen_message
from core.intake import change_status, create_intake
from core.models import Base, BotState, Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.console import IntakeAssignment, IntakeNote, IntakeReferral
from core.models.handoff import OutboxMessage
from core.privacy import forget_citizen
from core.retention import purge_expired
from core.users import create_user

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=900)
TELEGRAM = 7_300_411
NAME = "Ζωή Καραγιαννίδου"
PHONE = "+306977123456"
AMKA = "01019012345"
CITIZEN_WORDS = "το σπίτι μας πλημμύρισε χθες"
STAFF_WORDS = "θα έρθει η κοινωνική λειτουργός στις δέκα"
SECRETS = (NAME, "Καραγιαννίδου", PHONE, "6977123456", "697 712 3456", AMKA, CITIZEN_WORDS, STAFF_WORDS)


def text_columns() -> list[tuple[str, str]]:
    """(table, column) for every text and JSON column of the schema."""
    out = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, String | Text | JSON) or "JSON" in type(kind).__name__:
                out.append((table.name, column.name))
    return out


async def hits(database: Database) -> list[str]:
    found: list[str] = []
    async with database.session() as session:
        for table_name, column_name in text_columns():
            column = Base.metadata.tables[table_name].c[column_name]
            for value in (await session.execute(select(column).where(column.is_not(None)))).scalars():
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                found += [f"{table_name}.{column_name}: {s}" for s in SECRETS if s in text]
    return found


def file_hits(database: Database) -> list[str]:
    """On SQLite: the raw bytes of the database file and its write-ahead log."""
    if not database.is_sqlite:
        return []
    path = Path(make_url(database.url).database or "")
    found = []
    for file in (path, Path(f"{path}-wal")):
        if file.exists():
            raw = file.read_bytes()
            found += [f"{file.name}: {s}" for s in SECRETS if s.encode() in raw]
    return found


async def everything_about_one_person(database: Database, *, at: datetime) -> int:
    """A citizen with a kept (worked-on) request and a new one, staff notes, a referral and an assignment that
    name them, a handed-over conversation both ways with the reply in the outbox, two appointments, a place on a
    waiting list and a draft in the bot's state; returns the kept request's id."""
    async with database.session() as session:
        staff = await create_user(
            session,
            username="ioanna.staff",
            role="staff",
            centre_id="kk-kozani",
            password="pale-lantern-over-harbour-17",
        )
        citizen = Citizen(
            telegram_id=TELEGRAM,
            language="el",
            name=NAME,
            phone=PHONE,
            consent_at=at,
            created_at=at,
            last_seen_at=at,
            home_centre_id="kk-kozani",
        )
        session.add(citizen)
        await session.flush()
        kept = await create_intake(
            session,
            consent_at=at,
            categories=["ask_housing"],
            centre_id="kk-kozani",
            description=f"{CITIZEN_WORDS}. Είμαι η {NAME}, ΑΜΚΑ {AMKA}",
            contact_method="phone",
            contact_phone=PHONE,
            citizen_id=citizen.id,
            telegram_chat_id=TELEGRAM,
            now=at,
            place="Κοζάνη",
            adults=2,
            children=1,
        )
        await create_intake(
            session,
            consent_at=at,
            categories=["other"],
            centre_id="kk-kozani",
            description=CITIZEN_WORDS,
            citizen_id=citizen.id,
            telegram_chat_id=TELEGRAM,
            now=at,
        )
        await change_status(session, kept.id, status="in_progress", actor=staff, now=at)
        # Staff notes are stored masked by the console; written here as a careless note would read unmasked.
        session.add(
            IntakeNote(
                intake_id=kept.id,
                author_id=staff.id,
                created_at=at,
                text=f"Μίλησα με την {NAME} στο {PHONE} (6977123456), ΑΜΚΑ {AMKA}.",
            )
        )
        session.add(
            IntakeReferral(
                intake_id=kept.id,
                organisation="Κοινωνική Υπηρεσία Δήμου",
                created_by=staff.id,
                reason=f"Η {NAME} χρειάζεται στέγη",
                created_at=at,
            )
        )
        session.add(IntakeAssignment(intake_id=kept.id, staff_user_id=staff.id, assigned_by=staff.id, assigned_at=at))
        talk = await open_conversation(
            session,
            telegram_chat_id=TELEGRAM,
            citizen_id=citizen.id,
            centre_id="kk-kozani",
            language="el",
            intake_id=kept.id,
            now=at,
        )
        await record_citizen_message(session, talk, text=f"{CITIZEN_WORDS}, τηλ. 697 712 3456", now=at)
        await enqueue_staff_reply(session, talk.id, staff_user_id=staff.id, text=f"{STAFF_WORDS}, κυρία {NAME}", now=at)
        for hours in (2, 4):  # two the same day
            starts = at + timedelta(days=3, hours=hours)
            session.add(
                Appointment(
                    centre_id="kk-kozani",
                    service="social_worker",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=30),
                    seat=1,
                    citizen_id=citizen.id,
                    status="booked",
                    created_at=at,
                )
            )
        session.add(
            WaitlistEntry(
                citizen_id=citizen.id,
                centre_id="kk-kozani",
                service="psychologist",
                day=(at + timedelta(days=5)).date(),
                created_at=at,
            )
        )
        session.add(
            OutboxMessage(
                chat_id=TELEGRAM,
                citizen_id=citizen.id,
                kind="appointment_cancelled",
                text=f"{STAFF_WORDS}",
                status="sent",
                attempts=1,
                next_attempt_at=at,
                created_at=at,
                sent_at=at,
            )
        )
        session.add(
            BotState(
                kind="user",
                key=str(TELEGRAM),
                updated_at=at,
                data={"booking": {"name": NAME, "phone": PHONE, "step": "bk_consent"}},
            )
        )
        session.add(
            BotState(
                kind="conversation:booking", key=json.dumps([TELEGRAM, TELEGRAM]), data="bk_consent", updated_at=at
            )
        )
        await session.commit()
        return kept.id


async def test_before_erasure_the_scan_finds_the_person(database: Database) -> None:
    """The scan is honest: with nothing erased it finds every kind of secret."""
    await everything_about_one_person(database, at=NOW)
    found = await hits(database)
    for secret in (NAME, PHONE, AMKA, CITIZEN_WORDS, STAFF_WORDS):
        assert any(h.endswith(secret) for h in found), secret
    tables = {h.split(".", 1)[0] for h in found}
    assert {
        "citizen",
        "intake",
        "intake_note",
        "intake_referral",
        "handoff_message",
        "outbox_message",
        "bot_state",
    } <= tables


async def test_forget_leaves_nothing_of_the_person(database: Database) -> None:
    kept_id = await everything_about_one_person(database, at=NOW)
    async with database.write() as session:
        report = await forget_citizen(session, telegram_id=TELEGRAM, now=NOW)
    await database.checkpoint()
    assert report.restricted_intakes == [kept_id]
    assert await hits(database) == []
    assert file_hits(database) == []
    async with database.session() as session:
        kept = await session.get(Citizen, 1)
        assert kept is None or kept.telegram_id != TELEGRAM
        from core.models.intake import Intake

        intake = await session.get(Intake, kept_id)
        assert intake is not None and intake.restricted_at is not None  # the fact remains
        assert (intake.centre_id, intake.categories, intake.status) == ("kk-kozani", ["ask_housing"], "in_progress")
        assert await session.scalar(select(IntakeNote.id)) is None
        assert await session.scalar(select(IntakeReferral.id)) is None
        assert await session.scalar(select(IntakeAssignment.intake_id)) is None


async def test_the_purge_leaves_nothing_of_a_long_gone_person(database: Database) -> None:
    await everything_about_one_person(database, at=LONG_AGO)
    async with database.session() as session:
        for intake_id in (1, 2):
            from core.models.intake import Intake

            intake = await session.get(Intake, intake_id)
            assert intake is not None
            intake.status, intake.closed_at = "closed", LONG_AGO
        await session.commit()
        await close_conversation(session, 1, closed_by="citizen", now=LONG_AGO)
        await session.commit()
    async with database.write() as session:
        counts = await purge_expired(session, NOW)
    await database.checkpoint()
    assert counts["citizen"] == 1 and counts["appointment"] == 2 and counts["waitlist"] == 1
    assert await hits(database) == []
    assert file_hits(database) == []


def test_every_text_column_is_scanned() -> None:
    """New tables are covered without touching this test: the columns come from the metadata."""
    columns = text_columns()
    assert ("citizen", "name") in columns and ("intake_note", "text") in columns
    assert ("audit_event", "details") in columns and ("bot_state", "data") in columns
    assert len({t for t, _c in columns}) >= len(Base.metadata.tables) - 3
