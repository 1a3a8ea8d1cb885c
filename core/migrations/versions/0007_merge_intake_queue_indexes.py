"""merge the feature branches; indexes for the intake queue's default order

Revision ID: 0007
Revises: 0003, 0005, 0006
Create Date: 2026-11-25 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = ("0003", "0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_intake_centre_urgent_first",
        "intake",
        ["centre_id", sa.text("urgent DESC"), "created_at", "id"],
        unique=False,
    )
    op.create_index("ix_intake_urgent_first", "intake", [sa.text("urgent DESC"), "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_intake_urgent_first", table_name="intake")
    op.drop_index("ix_intake_centre_urgent_first", table_name="intake")
