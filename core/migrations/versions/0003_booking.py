"""booking

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 17:47:48.883521
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import core.models.base

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column(
            "weekly", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("min_notice_hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_availability_centre_id_centre")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
        sa.UniqueConstraint("centre_id", "service", name=op.f("uq_availability_centre_id_service")),
    )
    op.create_table(
        "closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_closure_centre_id_centre")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure")),
        sa.UniqueConstraint("centre_id", "day", name=op.f("uq_closure_centre_id_day")),
    )
    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hold_appointment_id", sa.Integer(), nullable=True),
        sa.Column("offer_sent_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_waitlist_entry_centre_id_centre")),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_waitlist_entry_citizen_id_citizen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entry")),
    )
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.create_index("ix_waitlist_day", ["centre_id", "service", "day"], unique=False)
        batch_op.create_index(batch_op.f("ix_waitlist_entry_citizen_id"), ["citizen_id"], unique=False)

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("starts_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hold_expires_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("booked_by_kind", sa.String(length=20), nullable=False),
        sa.Column("booked_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("consent_kind", sa.String(length=20), nullable=True),
        sa.Column("consent_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("settlement", sa.String(length=120), nullable=True),
        sa.Column("confirmed_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rescheduled_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booked_by_staff_id"], ["staff_user.id"], name=op.f("fk_appointment_booked_by_staff_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_appointment_centre_id_centre")),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_appointment_citizen_id_citizen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint(
            "centre_id", "service", "starts_at", "seat", name=op.f("uq_appointment_centre_id_service_starts_at_seat")
        ),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_appointment_slot", ["centre_id", "service", "starts_at"], unique=False)

    op.create_table(
        "appointment_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dropped_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointment.id"], name=op.f("fk_appointment_reminder_appointment_id_appointment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_reminder")),
        sa.UniqueConstraint("appointment_id", "kind", name=op.f("uq_appointment_reminder_appointment_id_kind")),
    )
    with op.batch_alter_table("appointment_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_reminder_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appointment_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_reminder_due_at"))

    op.drop_table("appointment_reminder")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_slot")
        batch_op.drop_index(batch_op.f("ix_appointment_citizen_id"))

    op.drop_table("appointment")
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waitlist_entry_citizen_id"))
        batch_op.drop_index("ix_waitlist_day")

    op.drop_table("waitlist_entry")
    op.drop_table("closure")
    op.drop_table("availability")
