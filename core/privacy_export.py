"""A citizen's right of access: everything stored about them, table by table, as a file they can keep
(`/mydata`). Found from the schema (core/record_rows.py), like erasure, so a new table is included as soon as it
references the citizen or holds their chat id."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.models import BotState, Citizen
from core.record_rows import CHAT_COLUMNS, NOT_CITIZEN_TABLES, dependants, schema_tables

__all__ = ["export_citizen", "export_json"]


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
    tables = schema_tables()
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
        for dependant, column, _nullable in dependants(citizen_table):
            result = await session.execute(select(dependant).where(dependant.c[column] == citizen.id))
            put(dependant, [_row(dependant, r) for r in result])
    for table in tables.values():
        if table.name in NOT_CITIZEN_TABLES:
            continue
        for column in CHAT_COLUMNS:
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
