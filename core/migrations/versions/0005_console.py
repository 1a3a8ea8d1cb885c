"""console: login sessions and attempts; intake assignment, notes and referrals

Revision ID: 0005
Revises: 0004 (the casework tables point at intake)
Create Date: 2026-11-25 17:44:53.047999
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
# The casework tables refer to intake (0004, another branch from 0002).
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_attempt")),
    )
    op.create_index("ix_console_login_attempt_client_at", "console_login_attempt", ["client_hash", "at"])
    op.create_table(
        "console_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_console_session_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_session")),
    )
    op.create_index(op.f("ix_console_session_user_id"), "console_session", ["user_id"])
    op.create_table(
        "intake_assignment",
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_intake_assignment_intake_id_intake"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_intake_assignment_staff_user_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["staff_user.id"], name=op.f("fk_intake_assignment_assigned_by_staff_user")
        ),
        sa.PrimaryKeyConstraint("intake_id", name=op.f("pk_intake_assignment")),
    )
    op.create_index(op.f("ix_intake_assignment_staff_user_id"), "intake_assignment", ["staff_user_id"])
    op.create_table(
        "intake_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_intake_note_intake_id_intake"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["staff_user.id"], name=op.f("fk_intake_note_author_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_note")),
    )
    op.create_index(op.f("ix_intake_note_intake_id"), "intake_note", ["intake_id"])
    op.create_table(
        "intake_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_intake_referral_intake_id_intake"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff_user.id"], name=op.f("fk_intake_referral_created_by_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_referral")),
    )
    op.create_index(op.f("ix_intake_referral_intake_id"), "intake_referral", ["intake_id"])


def downgrade() -> None:
    for table in ("intake_referral", "intake_note"):
        op.drop_index(op.f(f"ix_{table}_intake_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_intake_assignment_staff_user_id"), table_name="intake_assignment")
    op.drop_table("intake_assignment")
    op.drop_index(op.f("ix_console_session_user_id"), table_name="console_session")
    op.drop_table("console_session")
    op.drop_index("ix_console_login_attempt_client_at", table_name="console_login_attempt")
    op.drop_table("console_login_attempt")
