"""ids are never reused on SQLite: AUTOINCREMENT for every table with an integer id

SQLite without AUTOINCREMENT hands the highest id out again once that row is deleted: after /forget, a new citizen
got the erased citizen's id, and old audit entries named a different person. SQLite cannot add AUTOINCREMENT to an
existing table, so each table is rebuilt (batch mode copies the rows; the new sequence starts after the highest id
kept). PostgreSQL sequences never go back: nothing to do there.

Revision ID: i16_ids
Revises: i11_topic
Create Date: 2026-12-01 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i16_ids"
down_revision: str | Sequence[str] | None = "i11_topic"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "audit_event",
    "availability",
    "closure",
    "appointment",
    "appointment_reminder",
    "waitlist_entry",
    "citizen",
    "console_login_attempt",
    "intake_note",
    "intake_referral",
    "event",
    "handoff_conversation",
    "handoff_message",
    "outbox_message",
    "intake",
    "staff_user",
    "announcement",
    "announcement_subscription",
    "announcement_delivery",
)
# A batch rebuild recreates indexes from reflection, which drops DESC: these are made again as they were.
INTAKE_ORDER_INDEXES: dict[str, list[str | sa.TextClause]] = {
    "ix_intake_centre_urgent_first": ["centre_id", sa.text("urgent DESC"), "created_at", "id"],
    "ix_intake_urgent_first": [sa.text("urgent DESC"), "created_at", "id"],
}


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
    for name, columns in INTAKE_ORDER_INDEXES.items():
        op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
        op.create_index(name, "intake", columns, unique=False)


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
