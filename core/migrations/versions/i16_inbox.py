"""the inbox of updates; the outbox carries every bot message (method + payload) and who is sending it

Revision ID: i16_inbox
Revises: i16_ids
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "i16_inbox"
down_revision: str | Sequence[str] | None = "i16_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "inbox_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_key", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("payload", JSON, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_update")),
        sa.UniqueConstraint("update_id", name=op.f("uq_inbox_update_update_id")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbox_update_status_id", "inbox_update", ["status", "id"], unique=False)
    op.create_index("ix_inbox_update_chat_key_status", "inbox_update", ["chat_key", "status"], unique=False)
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("method", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("payload", JSON, nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("payload")
        batch.drop_column("method")
    op.drop_index("ix_inbox_update_chat_key_status", table_name="inbox_update")
    op.drop_index("ix_inbox_update_status_id", table_name="inbox_update")
    op.drop_table("inbox_update")
