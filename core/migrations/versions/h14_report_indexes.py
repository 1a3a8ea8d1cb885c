"""indexes for reports over a period and the queue's topic filter

Revision ID: h14_report_indexes
Revises: i11_kept_facts
Create Date: 2026-12-02 06:00:00

- intake (created_at): a period's intakes; on PostgreSQL it also carries centre, status, citizen and topics
  (INCLUDE), so the report's counts are read from the index alone;
- intake (categories) GIN, PostgreSQL only: the queue's topic filter (`categories @> '["…"]'`);
- appointment (created_at), appointment (starts_at), handoff_conversation (opened_at): the report's other
  period counts.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "h14_report_indexes"
down_revision: str | Sequence[str] | None = "i11_kept_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_intake_created",
        "intake",
        ["created_at"],
        postgresql_include=["centre_id", "status", "citizen_id", "categories"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_intake_categories",
            "intake",
            ["categories"],
            postgresql_using="gin",
            postgresql_ops={"categories": "jsonb_path_ops"},
        )
    op.create_index("ix_appointment_created", "appointment", ["created_at"])
    op.create_index("ix_appointment_starts", "appointment", ["starts_at"])
    op.create_index("ix_handoff_conversation_opened", "handoff_conversation", ["opened_at"])


def downgrade() -> None:
    op.drop_index("ix_handoff_conversation_opened", table_name="handoff_conversation")
    op.drop_index("ix_appointment_starts", table_name="appointment")
    op.drop_index("ix_appointment_created", table_name="appointment")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_intake_categories", table_name="intake")
    op.drop_index("ix_intake_created", table_name="intake")
