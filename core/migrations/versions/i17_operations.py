"""operations: citizens who blocked the bot; scheduled jobs' leases and last runs

Revision ID: i17_operations
Revises: i14_console
Create Date: 2026-12-01 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import core.models.base

revision: str = "i17_operations"
down_revision: str | Sequence[str] | None = "i14_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("citizen") as batch:
        batch.add_column(sa.Column("unreachable_at", core.models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        sa.Column("lease_until", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("last_counts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_run")),
    )


def downgrade() -> None:
    op.drop_table("job_run")
    with op.batch_alter_table("citizen") as batch:
        batch.drop_column("unreachable_at")
