"""Citizens' data rights and retention: what is stored about me (export), forget me, and the periodic purge.

`forget_citizen` walks every table of the schema, not a fixed list, so a table added later by another feature
(bookings, reminders…) is covered as soon as it references `citizen.id` or holds the person's Telegram chat id.
Where a record must be kept — an intake the centre has already worked on is part of the social service's file —
it is *restricted*: every field that identifies the person or their story is erased and the link to them cut; what
remains (centre, categories, dates, status) is an anonymous fact. The citizen is told which records were kept.

Retention periods (`RETENTION`) are the project's defaults, pending the data controller's (the municipality's)
decision; docs/privacy.md explains each one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import Base, BotState, Citizen
from core.models.booking import Appointment, WaitlistEntry
from core.models.handoff import HandoffConversation, OutboxMessage
from core.models.intake import Intake

__all__ = ["RETENTION", "ForgetReport", "export_citizen", "export_json", "forget_citizen", "purge_expired"]

RETENTION: dict[str, timedelta] = {
    "intake": timedelta(days=730),  # after the centre closed it
    "handoff": timedelta(days=180),  # after the conversation was closed: messages and the conversation
    "outbox": timedelta(days=30),  # a delivered (or given-up) reply's copy in the outbox
    "bot_state": timedelta(days=180),  # unfinished conversations and drafts, since last touched
    "citizen": timedelta(days=730),  # a citizen with nothing else stored, since last seen
    "audit": timedelta(days=1825),  # the audit log (no personal data in it) — five years
    "appointment": timedelta(days=730),  # after the appointment's time: the visit, its reminders
    "waitlist": timedelta(days=30),  # after the day someone waited for
}
# Intake statuses that mean the centre has acted on it: kept (restricted) instead of erased on /forget.
KEPT_STATUSES = frozenset({"in_progress", "waiting_citizen", "referred", "closed"})
# Columns that hold a person's Telegram chat or user id; staff accounts are a different person's record.
_CHAT_COLUMNS = ("telegram_chat_id", "chat_id", "telegram_id")
_NOT_CITIZEN_TABLES = frozenset({"staff_user", "audit_event", "bot_state", "citizen"})
# Tables whose rows exist only for their owner (a file sent with a request or a conversation): when the owner
# goes — forgotten, purged after its retention — they go too, although their reference to it may be empty.
_OWNED_TABLES = frozenset({"attachment"})
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

    def add(self, table: str, count: int) -> None:
        if count:
            self.deleted[table] = self.deleted.get(table, 0) + count


def _tables() -> dict[str, Table]:
    return dict(Base.metadata.tables)


def _dependants(parent: Table) -> list[tuple[Table, str, bool]]:
    """(table, column, nullable) for every foreign key that points at `parent`."""
    out: list[tuple[Table, str, bool]] = []
    for table in _tables().values():
        for fk in table.foreign_keys:
            if fk.column.table is parent and table is not parent:
                out.append((table, fk.parent.name, bool(fk.parent.nullable)))
    return out


async def _delete_rows(session: AsyncSession, table: Table, ids: list[Any], report: ForgetReport) -> None:
    """Delete rows of `table` by primary key, first whatever depends on them: non-nullable references are deleted
    in turn, nullable ones are cut (set to NULL)."""
    if not ids:
        return
    pk = next(iter(table.primary_key.columns))
    for dependant, column, nullable in _dependants(table):
        col = dependant.c[column]
        if nullable and dependant.name not in _OWNED_TABLES:
            await session.execute(update(dependant).where(col.in_(ids)).values({column: None}))
            continue
        dep_pk = next(iter(dependant.primary_key.columns))
        dep_ids = list((await session.execute(select(dep_pk).where(col.in_(ids)))).scalars().all())
        await _delete_rows(session, dependant, dep_ids, report)
    result = await session.execute(delete(table).where(pk.in_(ids)))
    report.add(table.name, int(getattr(result, "rowcount", 0) or 0))


async def _restrict_intake(session: AsyncSession, intake: Intake, now: datetime, report: ForgetReport) -> None:
    """Keep the fact, erase the person: the identifying fields, and the casework on it (staff notes, referrals,
    the assignment — whatever table references an intake, found from the schema) which names and quotes them."""
    for name in _INTAKE_ERASED:
        setattr(intake, name, None)
    intake.restricted_at = now
    intake.updated_at = now
    await session.flush()
    for dependant, column, nullable in _dependants(_tables()["intake"]):
        col = dependant.c[column]
        if nullable:
            await session.execute(update(dependant).where(col == intake.id).values({column: None}))
            continue
        dep_pk = next(iter(dependant.primary_key.columns))
        ids = list((await session.execute(select(dep_pk).where(col == intake.id))).scalars().all())
        await _delete_rows(session, dependant, ids, report)


async def _forget_bot_state(session: AsyncSession, telegram_id: int, report: ForgetReport) -> None:
    key = str(telegram_id)
    rows = (await session.scalars(select(BotState))).all()
    for row in rows:
        mine = (row.kind in ("user", "chat") and row.key == key) or (
            row.kind.startswith("conversation:") and telegram_id in _json_ints(row.key)
        )
        if mine:
            await session.delete(row)
            report.add("bot_state", 1)


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
    tables = _tables()
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
            await _delete_rows(session, files, file_ids, report)
        else:
            await _delete_rows(session, tables["intake"], [intake.id], report)
    await session.flush()
    if citizen_id is not None:
        report.found = True
        for dependant, column, _nullable in _dependants(tables["citizen"]):
            dep_pk = next(iter(dependant.primary_key.columns))
            ids = list((await session.execute(select(dep_pk).where(dependant.c[column] == citizen_id))).scalars().all())
            await _delete_rows(session, dependant, ids, report)
    for table in tables.values():
        if table.name in _NOT_CITIZEN_TABLES:
            continue
        for column in _CHAT_COLUMNS:
            if column in table.c:
                pk = next(iter(table.primary_key.columns))
                ids = list((await session.execute(select(pk).where(table.c[column] == telegram_id))).scalars().all())
                if ids:
                    report.found = True
                await _delete_rows(session, table, ids, report)
    if citizen_id is not None:
        await _delete_rows(session, tables["citizen"], [citizen_id], report)
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


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):  # a file's content: named, not copied into the export
        return f"<{len(value)} bytes>"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _plain(row._mapping[c]) for c in table.columns}


def _holds_something(data: dict[str, Any]) -> bool:
    """Whether the bot's data of a user or chat holds anything of the person: a language choice does not, nor a
    conversation memory with no facts in it (only the bot's note that it looked for kept ones)."""
    for key, value in data.items():
        if key == "lang":
            continue
        if key == "memory" and isinstance(value, dict) and not value.get("facts"):
            continue
        return True
    return False


async def export_citizen(session: AsyncSession, *, telegram_id: int) -> dict[str, Any] | None:
    """Everything stored about the person, table by table (None when nothing is): their citizen record, every
    row that references it, the messages of their handed-over conversations and rows holding their chat id."""
    tables = _tables()
    citizen: Citizen | None = await session.scalar(select(Citizen).where(Citizen.telegram_id == telegram_id))
    out: dict[str, list[dict[str, Any]]] = {}

    def put(table: Table, rows: list[dict[str, Any]]) -> None:
        known = {json.dumps(r, sort_keys=True, default=str) for r in out.get(table.name, [])}
        for r in rows:
            if json.dumps(r, sort_keys=True, default=str) not in known:
                out.setdefault(table.name, []).append(r)

    if citizen is not None:
        citizen_table = tables["citizen"]
        put(
            citizen_table,
            [
                _row(citizen_table, r)
                for r in (await session.execute(select(citizen_table).where(citizen_table.c.id == citizen.id)))
            ],
        )
        for dependant, column, _nullable in _dependants(citizen_table):
            result = await session.execute(select(dependant).where(dependant.c[column] == citizen.id))
            put(dependant, [_row(dependant, r) for r in result])
    for table in tables.values():
        if table.name in _NOT_CITIZEN_TABLES:
            continue
        for column in _CHAT_COLUMNS:
            if column in table.c:
                result = await session.execute(select(table).where(table.c[column] == telegram_id))
                put(table, [_row(table, r) for r in result])
    conversation_ids = [r["id"] for r in out.get("handoff_conversation", [])]
    if conversation_ids:
        messages = tables["handoff_message"]
        result = await session.execute(
            select(messages).where(messages.c.conversation_id.in_(conversation_ids)).order_by(messages.c.id)
        )
        put(messages, [_row(messages, r) for r in result])
    states = (
        await session.scalars(
            select(BotState).where(BotState.kind.in_(("user", "chat")), BotState.key == str(telegram_id))
        )
    ).all()
    bot_rows = [{"kind": r.kind, "data": r.data} for r in states if r.data]
    if not out and not any(_holds_something(r["data"]) for r in bot_rows):
        return None  # a language choice alone is not worth a file: the caller says so instead
    if bot_rows:
        out["bot_state"] = bot_rows
    if citizen is not None:
        audit.record(
            session,
            actor_kind="citizen",
            actor_id=str(citizen.id),
            action="export",
            record_kind="citizen",
            record_id=str(citizen.id),
        )
    return out


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


async def purge_expired(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Delete what has outlived its retention period (RETENTION); returns how many rows of each kind went.
    Open work is never purged: an intake not closed, a conversation still open, a reply not yet delivered."""
    tables = _tables()
    report = ForgetReport(found=True)
    counts: dict[str, int] = {}

    async def purge(kind: str, table: Table, ids: list[Any]) -> None:
        before = sum(report.deleted.values())
        await _delete_rows(session, table, ids, report)
        counts[kind] = sum(report.deleted.values()) - before

    cutoff = now - RETENTION["intake"]
    await purge(
        "intake",
        tables["intake"],
        list(
            (
                await session.scalars(
                    select(Intake.id).where(
                        Intake.status == "closed", Intake.closed_at.is_not(None), Intake.closed_at < cutoff
                    )
                )
            ).all()
        ),
    )
    cutoff = now - RETENTION["handoff"]
    closed = list(
        (
            await session.scalars(
                select(HandoffConversation.id).where(
                    HandoffConversation.status == "closed", HandoffConversation.closed_at < cutoff
                )
            )
        ).all()
    )
    if closed:
        # Undelivered replies of a long-closed chat are stale: they go with it.
        await session.execute(delete(OutboxMessage).where(OutboxMessage.conversation_id.in_(closed)))
    await purge("handoff", tables["handoff_conversation"], closed)
    cutoff = now - RETENTION["outbox"]
    await purge(
        "outbox",
        tables["outbox_message"],
        list(
            (
                await session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.created_at < cutoff
                    )
                )
            ).all()
        ),
    )
    cutoff = now - RETENTION["appointment"]
    await purge(
        "appointment",
        tables["appointment"],
        list((await session.scalars(select(Appointment.id).where(Appointment.starts_at < cutoff))).all()),
    )
    cutoff_day = (now - RETENTION["waitlist"]).date()
    await purge(
        "waitlist",
        tables["waitlist_entry"],
        list((await session.scalars(select(WaitlistEntry.id).where(WaitlistEntry.day < cutoff_day))).all()),
    )
    cutoff = now - RETENTION["bot_state"]
    stale = (await session.scalars(select(BotState).where(BotState.updated_at < cutoff))).all()
    for row in stale:
        await session.delete(row)
    counts["bot_state"] = len(stale)
    cutoff = now - RETENTION["citizen"]
    candidates = list((await session.scalars(select(Citizen.id).where(Citizen.last_seen_at < cutoff))).all())
    idle: list[int] = []
    for citizen_id in candidates:
        holds_something = False
        for dependant, column, _nullable in _dependants(tables["citizen"]):
            if (
                await session.execute(select(dependant.c[column]).where(dependant.c[column] == citizen_id).limit(1))
            ).first() is not None:
                holds_something = True
                break
        if not holds_something:
            idle.append(citizen_id)
    await purge("citizen", tables["citizen"], idle)
    cutoff = now - RETENTION["audit"]
    await purge(
        "audit",
        tables["audit_event"],
        list(
            (
                await session.scalars(
                    select(Base.metadata.tables["audit_event"].c.id).where(
                        Base.metadata.tables["audit_event"].c.at < cutoff
                    )
                )
            ).all()
        ),
    )
    audit.record(
        session,
        actor_kind="system",
        actor_id="purge",
        action="purge",
        record_kind="retention",
        record_id=None,
        details=dict(counts),
    )
    return counts
