"""Ids are never handed out twice: after a citizen is erased (/forget), the next citizen gets a new id, so an audit
entry that names citizen N keeps naming the erased person and no one else. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Integer, select, text

from core.citizens import get_or_create_citizen
from core.db import Database
from core.models import AuditEvent, Base, Citizen, utcnow
from core.privacy import forget_citizen


async def test_an_erased_citizens_id_is_never_given_to_someone_else(database: Database) -> None:
    async with database.write() as session:
        first = await get_or_create_citizen(session, telegram_id=1001)
    first_id = first.id
    async with database.write() as session:
        await forget_citizen(session, telegram_id=1001, now=utcnow())
    async with database.write() as session:
        assert await session.get(Citizen, first_id) is None
        second = await get_or_create_citizen(session, telegram_id=1002)
    assert second.id > first_id
    async with database.session() as session:
        forgets = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "forget"))).all()
    assert [e.record_id for e in forgets] == [str(first_id)]  # still names the erased record, not citizen 1002


async def test_every_table_with_an_integer_id_uses_autoincrement_on_sqlite(sqlite_url: str) -> None:
    """The migrated schema (not only the models): a table added later without `sqlite_autoincrement=True` in its
    migration fails here."""
    db = Database(sqlite_url)
    try:
        async with db.session() as session:
            query = text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            rows: dict[str, str] = dict((await session.execute(query)).all())
    finally:
        await db.dispose()
    for table in Base.metadata.tables.values():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and not pk[0].foreign_keys:
            assert "AUTOINCREMENT" in rows[table.name], f"{table.name}: create it with sqlite_autoincrement=True"
