"""staff accounts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:41:25.546212
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("link_token_hash", sa.String(length=128), nullable=True),
        sa.Column("link_token_expires_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("password_changed_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_staff_user_centre_id_centre")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_staff_user_telegram_id")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )


def downgrade() -> None:
    op.drop_table("staff_user")
