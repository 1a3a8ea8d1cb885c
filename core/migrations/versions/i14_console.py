"""console: login attempts name the account tried (lock-out per failing client); a staff message points at its
outbox row (delivery status shown per message)

Revision ID: i14_console
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i14_console"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("console_login_attempt") as batch:
        batch.add_column(sa.Column("staff_user_id", sa.Integer(), nullable=True))
        batch.create_index("ix_console_login_attempt_staff_user_id", ["staff_user_id"])
    with op.batch_alter_table("handoff_message") as batch:
        batch.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff_message") as batch:
        batch.drop_column("outbox_message_id")
    with op.batch_alter_table("console_login_attempt") as batch:
        batch.drop_index("ix_console_login_attempt_staff_user_id")
        batch.drop_column("staff_user_id")
