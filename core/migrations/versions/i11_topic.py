"""appointment: the topic the visit is about (an ask_* topic id, from what the citizen asked)

Revision ID: i11_topic
Revises: i10_citizen
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i11_topic"
down_revision: str | Sequence[str] | None = "i10_citizen"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("topic", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("topic")
