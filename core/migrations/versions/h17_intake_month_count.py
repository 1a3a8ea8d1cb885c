"""intake counts per Athens month, centre, status and topic, kept by PostgreSQL itself (reports)

Revision ID: h17_intake_month_count
Revises: h14_queue_created
Create Date: 2026-12-02 13:20:00

A year's report counted ~52,000 intakes (and ~70,000 topic rows) on every request at 100,000 intakes. This table
holds the same counts per whole Athens month, so a report takes its whole months from here (about 50 rows per
centre and month) and only its partial months from the intakes (core.period_report).

PostgreSQL only, kept exact by statement-level triggers on `intake` (every write path, the privacy module's bulk
updates and deletes included, in the writer's own transaction); the first fill is in this migration, after the
triggers exist, so no write is missed. SQLite has no time zone data in SQL to tell an Athens month from a UTC one,
and it is the small site's database: there the report keeps counting the rows.

Per (month, centre, status, topic): `intakes` counts each intake once (on its first topic, or on topic '' when it
has none), `mentions` counts topic mentions (an intake with two topics counts in both). Intakes without a centre
are not counted (reports leave them out). Rows whose counts went back to 0 stay; reports skip them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h17_intake_month_count"
down_revision: str | Sequence[str] | None = "h14_queue_created"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One intake's rows in the table, for the intakes of `{rows}`, with `{sign}` 1 (added) or -1 (taken away). Topics
# that are not a JSON list (never written by the application) count as none rather than fail the intake's write.
EXPAND = """
    SELECT date_trunc('month', r.created_at AT TIME ZONE 'Europe/Athens')::date AS month, r.centre_id, r.status,
           coalesce(t.value, '') AS topic,
           CASE WHEN t.n IS NULL OR t.n = 1 THEN {sign} ELSE 0 END AS intakes,
           CASE WHEN t.n IS NULL THEN 0 ELSE {sign} END AS mentions
    FROM {rows} AS r LEFT JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(r.categories) = 'array' THEN r.categories ELSE '[]' END
    ) WITH ORDINALITY AS t(value, n) ON true
    WHERE r.centre_id IS NOT NULL
"""
# Summed per key first (a key may come from several rows), in key order (concurrent writers lock rows in the same
# order), skipping what cancels out (an update that changed none of the counted columns writes nothing).
APPLY = """
    INSERT INTO intake_month_count AS c (month, centre_id, status, topic, intakes, mentions)
    SELECT month, centre_id, status, topic, sum(intakes), sum(mentions) FROM ({rows}) AS d
    GROUP BY month, centre_id, status, topic
    HAVING sum(intakes) <> 0 OR sum(mentions) <> 0
    ORDER BY month, centre_id, status, topic
    ON CONFLICT (month, centre_id, status, topic)
    DO UPDATE SET intakes = c.intakes + excluded.intakes, mentions = c.mentions + excluded.mentions;
"""
ADDED = EXPAND.format(rows="new_rows", sign=1)
REMOVED = EXPAND.format(rows="old_rows", sign=-1)
FUNCTION = f"""
CREATE FUNCTION intake_month_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {APPLY.format(rows=ADDED)}
    ELSIF TG_OP = 'DELETE' THEN
        {APPLY.format(rows=REMOVED)}
    ELSIF TG_OP = 'UPDATE' THEN
        {APPLY.format(rows=ADDED + " UNION ALL " + REMOVED)}
    ELSE  -- TRUNCATE
        DELETE FROM intake_month_count;
    END IF;
    RETURN NULL;
END
$$
"""
TRIGGERS = {
    "intake_month_count_insert": "AFTER INSERT ON intake REFERENCING NEW TABLE AS new_rows",
    "intake_month_count_update": "AFTER UPDATE ON intake REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "intake_month_count_delete": "AFTER DELETE ON intake REFERENCING OLD TABLE AS old_rows",
    "intake_month_count_truncate": "AFTER TRUNCATE ON intake",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "intake_month_count",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("intakes", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "centre_id", "status", "topic", name="pk_intake_month_count"),
    )
    op.execute(FUNCTION)
    for name, when in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION intake_month_count_apply()")
    # Writers wait for this migration's lock on intake (taken by CREATE TRIGGER), so the fill sees every row.
    op.execute(APPLY.format(rows=EXPAND.format(rows="intake", sign=1)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER {name} ON intake")
    op.execute("DROP FUNCTION intake_month_count_apply()")
    op.drop_table("intake_month_count")
