"""A citizen's right to erasure: /forget (`forget_citizen`). The export is core/privacy_export.py, the retention
purge core/retention.py.

`forget_citizen` walks every table of the schema, not a fixed list, so a table added later by another feature
(bookings, reminders…) is covered as soon as it references `citizen.id` or holds the person's Telegram chat id.
Where a record must be kept — an intake the centre has already worked on is part of the social service's file —
it is *restricted*: every field that identifies the person or their story is erased and the link to them cut; what
remains (centre, categories, dates, status) is an anonymous fact. The citizen is told which records were kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import BotState, Citizen
from core.models.intake import Intake
from core.record_rows import CHAT_COLUMNS, NOT_CITIZEN_TABLES, delete_rows, dependants, schema_tables

__all__ = ["ForgetReport", "forget_citizen"]

# Intake statuses that mean the centre has acted on it: kept (restricted) instead of erased on /forget.
KEPT_STATUSES = frozenset({"in_progress", "waiting_citizen", "referred", "closed"})
# What a restricted intake keeps: nothing that says who the person is or what they wrote.
_INTAKE_ERASED = (
    "citizen_id",
    "description",
    "voice_file_id",
    "adults",
    "children",
    "place",
    "municipality_id",
    "contact_method",
    "contact_phone",
    "contact_time",
    "telegram_chat_id",
    "checklist_text",
    "language",
)


@dataclass
class ForgetReport:
    found: bool
    deleted: dict[str, int] = field(default_factory=dict)
    restricted_intakes: list[int] = field(default_factory=list)


async def _restrict_intake(session: AsyncSession, intake: Intake, now: datetime, report: ForgetReport) -> None:
    """Keep the fact, erase the person: the identifying fields, and the casework on it (staff notes, referrals,
    the assignment — whatever table references an intake, found from the schema) which names and quotes them."""
    for name in _INTAKE_ERASED:
        setattr(intake, name, None)
    intake.restricted_at = now
    intake.updated_at = now
    await session.flush()
    for dependant, column, nullable in dependants(schema_tables()["intake"]):
        col = dependant.c[column]
        if nullable:
            await session.execute(update(dependant).where(col == intake.id).values({column: None}))
            continue
        dep_pk = next(iter(dependant.primary_key.columns))
        ids = list((await session.execute(select(dep_pk).where(col == intake.id))).scalars().all())
        await delete_rows(session, dependant, ids, report.deleted)


async def _forget_bot_state(session: AsyncSession, telegram_id: int, report: ForgetReport) -> None:
    key = str(telegram_id)
    rows = (await session.scalars(select(BotState))).all()
    for row in rows:
        mine = (row.kind in ("user", "chat") and row.key == key) or (
            row.kind.startswith("conversation:") and telegram_id in _json_ints(row.key)
        )
        if mine:
            await session.delete(row)
            report.deleted["bot_state"] = report.deleted.get("bot_state", 0) + 1


def _json_ints(value: str) -> list[int]:
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return [v for v in parsed if isinstance(v, int)] if isinstance(parsed, list) else []


async def forget_citizen(session: AsyncSession, *, telegram_id: int, now: datetime) -> ForgetReport:
    """Erase everything stored about the person with this Telegram id (chat id = user id in a private chat).

    Intakes the centre has acted on are restricted, not deleted (see the module docstring); everything else that
    references the citizen or holds their chat id is deleted, then the citizen row and the bot's state for them.
    """
    tables = schema_tables()
    report = ForgetReport(found=False)
    citizen: Citizen | None = await session.scalar(select(Citizen).where(Citizen.telegram_id == telegram_id))
    citizen_id = citizen.id if citizen is not None else None
    intake_filter = Intake.telegram_chat_id == telegram_id
    if citizen_id is not None:
        intake_filter = intake_filter | (Intake.citizen_id == citizen_id)
    for intake in (await session.scalars(select(Intake).where(intake_filter))).all():
        report.found = True
        if intake.status in KEPT_STATUSES:
            await _restrict_intake(session, intake, now, report)
            report.restricted_intakes.append(intake.id)
            files = tables["attachment"]  # a kept record keeps no voice, photo or document of the person
            file_ids = list(
                (await session.execute(select(files.c.id).where(files.c.intake_id == intake.id))).scalars().all()
            )
            await delete_rows(session, files, file_ids, report.deleted)
        else:
            await delete_rows(session, tables["intake"], [intake.id], report.deleted)
    await session.flush()
    if citizen_id is not None:
        report.found = True
        for dependant, column, _nullable in dependants(tables["citizen"]):
            dep_pk = next(iter(dependant.primary_key.columns))
            ids = list((await session.execute(select(dep_pk).where(dependant.c[column] == citizen_id))).scalars().all())
            await delete_rows(session, dependant, ids, report.deleted)
    for table in tables.values():
        if table.name in NOT_CITIZEN_TABLES:
            continue
        for column in CHAT_COLUMNS:
            if column in table.c:
                pk = next(iter(table.primary_key.columns))
                ids = list((await session.execute(select(pk).where(table.c[column] == telegram_id))).scalars().all())
                if ids:
                    report.found = True
                await delete_rows(session, table, ids, report.deleted)
    if citizen_id is not None:
        await delete_rows(session, tables["citizen"], [citizen_id], report.deleted)
    await _forget_bot_state(session, telegram_id, report)
    audit.record(
        session,
        actor_kind="citizen",
        actor_id=None,
        action="forget",
        record_kind="citizen",
        record_id=str(citizen_id) if citizen_id is not None else None,
        details={"deleted": dict(report.deleted), "restricted_intakes": list(report.restricted_intakes)},
    )
    return report
