"""announcements: per-centre opt-in, announcements and their deliveries

Revision ID: i17_announcements
Revises: i17_operations
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "i17_announcements"
down_revision: str | Sequence[str] | None = "i17_operations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=True),
        sa.Column("text_el", sa.Text(), nullable=False),
        sa.Column("text_simple", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("queued_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_announcement_centre_id_centre")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    op.create_index(op.f("ix_announcement_centre_id"), "announcement", ["centre_id"], unique=False)
    op.create_table(
        "announcement_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_announcement_subscription_centre_id_centre")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_announcement_subscription_citizen_id_citizen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_subscription")),
        sa.UniqueConstraint("citizen_id", "centre_id", name=op.f("uq_announcement_subscription_citizen_id_centre_id")),
    )
    op.create_index(
        op.f("ix_announcement_subscription_centre_id"), "announcement_subscription", ["centre_id"], unique=False
    )
    op.create_table(
        "announcement_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"], name=op.f("fk_announcement_delivery_announcement_id_announcement")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_announcement_delivery_citizen_id_citizen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_delivery")),
        sa.UniqueConstraint(
            "announcement_id", "citizen_id", name=op.f("uq_announcement_delivery_announcement_id_citizen_id")
        ),
    )
    op.create_index("ix_announcement_delivery_status_id", "announcement_delivery", ["status", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_announcement_delivery_status_id", table_name="announcement_delivery")
    op.drop_table("announcement_delivery")
    op.drop_index(op.f("ix_announcement_subscription_centre_id"), table_name="announcement_subscription")
    op.drop_table("announcement_subscription")
    op.drop_index(op.f("ix_announcement_centre_id"), table_name="announcement")
    op.drop_table("announcement")
