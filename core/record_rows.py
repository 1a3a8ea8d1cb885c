"""The rows of the schema that hang off a record, found from its foreign keys rather than a fixed list: a table a
later feature adds is covered as soon as it references the record. Used by erasure (core/privacy.py), the export
(core/privacy_export.py) and the retention purge (core/retention.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Base

# Columns that hold a person's Telegram chat or user id; staff accounts are a different person's record.
CHAT_COLUMNS = ("telegram_chat_id", "chat_id", "telegram_id")
NOT_CITIZEN_TABLES = frozenset({"staff_user", "audit_event", "bot_state", "citizen"})
# Tables whose rows exist only for their owner (a file sent with a request or a conversation): when the owner
# goes — forgotten, purged after its retention — they go too, although their reference to it may be empty.
OWNED_TABLES = frozenset({"attachment"})


def schema_tables() -> dict[str, Table]:
    return dict(Base.metadata.tables)


def dependants(parent: Table) -> list[tuple[Table, str, bool]]:
    """(table, column, nullable) for every foreign key that points at `parent`."""
    out: list[tuple[Table, str, bool]] = []
    for table in schema_tables().values():
        for fk in table.foreign_keys:
            if fk.column.table is parent and table is not parent:
                out.append((table, fk.parent.name, bool(fk.parent.nullable)))
    return out


async def delete_rows(session: AsyncSession, table: Table, ids: list[Any], deleted: dict[str, int]) -> None:
    """Delete rows of `table` by primary key, first whatever depends on them: non-nullable references are deleted
    in turn, nullable ones are cut (set to NULL). `deleted` counts the rows deleted, by table."""
    if not ids:
        return
    pk = next(iter(table.primary_key.columns))
    for dependant, column, nullable in dependants(table):
        col = dependant.c[column]
        if nullable and dependant.name not in OWNED_TABLES:
            await session.execute(update(dependant).where(col.in_(ids)).values({column: None}))
            continue
        dep_pk = next(iter(dependant.primary_key.columns))
        dep_ids = list((await session.execute(select(dep_pk).where(col.in_(ids)))).scalars().all())
        await delete_rows(session, dependant, dep_ids, deleted)
    result = await session.execute(delete(table).where(pk.in_(ids)))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        deleted[table.name] = deleted.get(table.name, 0) + count
