"""the person behind every record: outbox rows name the citizen and appointment they are about; phone numbers
of intakes in E.164 like everywhere else

Revision ID: i10_citizen
Revises: i17_announcements
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i10_citizen"
down_revision: str | Sequence[str] | None = "i17_announcements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=30), existing_nullable=False
        )
        batch_op.add_column(sa.Column("citizen_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_citizen_id_citizen"), "citizen", ["citizen_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_outbox_message_citizen_id"), ["citizen_id"], unique=False)
    # One normaliser for the product (core.phones): intakes kept 10 digits, bookings E.164.
    op.execute(
        "UPDATE intake SET contact_phone = '+30' || contact_phone "
        "WHERE contact_phone IS NOT NULL AND contact_phone NOT LIKE '+%'"
    )


def downgrade() -> None:
    op.execute("UPDATE intake SET contact_phone = substr(contact_phone, 4) WHERE contact_phone LIKE '+30%'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_citizen_id"))
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_citizen_id_citizen"), type_="foreignkey")
        batch_op.drop_column("appointment_id")
        batch_op.drop_column("citizen_id")
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=30), type_=sa.String(length=20), existing_nullable=False
        )
