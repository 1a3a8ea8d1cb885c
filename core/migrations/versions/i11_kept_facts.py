"""citizen: what the citizen told the bot, kept between conversations with its own consent

Revision ID: i11_kept_facts
Revises: i13_media
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import core.models.base

revision: str = "i11_kept_facts"
down_revision: str | Sequence[str] | None = "i13_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("citizen") as batch:
        kept = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
        batch.add_column(sa.Column("kept_facts", kept, nullable=True))
        batch.add_column(sa.Column("kept_facts_consent_at", core.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citizen") as batch:
        batch.drop_column("kept_facts_consent_at")
        batch.drop_column("kept_facts")
