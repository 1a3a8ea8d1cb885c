"""intake records, human handoff (conversations, messages) and the outbox of staff replies

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25 17:46:32.204955
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import core.models.base

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.models.base.UTCDateTime(timezone=True)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("centre_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("urgency_reasons", _json(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("created_by_kind", sa.String(length=20), nullable=False),
        sa.Column("created_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("categories", _json(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("voice_file_id", sa.String(length=255), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=True),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("municipality_id", sa.String(length=60), nullable=True),
        sa.Column("contact_method", sa.String(length=20), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("contact_time", sa.String(length=20), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("programme_ids", _json(), nullable=False),
        sa.Column("checklist_text", sa.Text(), nullable=True),
        sa.Column("consent_at", UTC, nullable=True),
        sa.Column("consent_version", sa.String(length=20), nullable=True),
        sa.Column("restricted_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_intake_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_intake_citizen_id_citizen"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_staff_id"], ["staff_user.id"], name=op.f("fk_intake_created_by_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
    )
    op.create_index(op.f("ix_intake_citizen_id"), "intake", ["citizen_id"])
    op.create_index("ix_intake_queue", "intake", ["centre_id", "status", "urgent", "created_at"])

    op.create_table(
        "handoff_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("centre_id", sa.String(length=40), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("last_message_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_by", sa.String(length=20), nullable=True),
        sa.Column("closed_by_staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_handoff_conversation_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_handoff_conversation_citizen_id_citizen"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_staff_id"],
            ["staff_user.id"],
            name=op.f("fk_handoff_conversation_closed_by_staff_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_handoff_conversation_intake_id_intake"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_conversation")),
    )
    op.create_index("ix_handoff_conversation_centre_status", "handoff_conversation", ["centre_id", "status"])
    op.create_index("ix_handoff_conversation_chat_status", "handoff_conversation", ["telegram_chat_id", "status"])

    op.create_table(
        "handoff_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=10), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("voice_file_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["handoff_conversation.id"],
            name=op.f("fk_handoff_message_conversation_id_handoff_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_handoff_message_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_message")),
    )
    op.create_index(op.f("ix_handoff_message_conversation_id"), "handoff_message", ["conversation_id"])

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("claimed_at", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=80), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["handoff_conversation.id"],
            name=op.f("fk_outbox_message_conversation_id_handoff_conversation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(op.f("ix_outbox_message_chat_id"), "outbox_message", ["chat_id"])
    op.create_index(op.f("ix_outbox_message_conversation_id"), "outbox_message", ["conversation_id"])
    op.create_index("ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox_message")
    op.drop_table("handoff_message")
    op.drop_table("handoff_conversation")
    op.drop_table("intake")
