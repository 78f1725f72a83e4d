"""Target values: the yearly values of the plan's 13 targets (section II.3) planners record.

Append-only: a correction is a new row and the latest row of a target/part/year/period
is its current value (gis/store/target_values.py). Triggers refuse UPDATE and DELETE on
both dialects, so no earlier record can be changed or lost.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "target_values is append-only: record a correction as a new value"


def upgrade():
    op.create_table(
        "target_values",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.Integer, nullable=False),  # the target's number in section II.3
        sa.Column("part", sa.Text, nullable=False),  # the key of one of the target's parts
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.Text, nullable=False),  # "year" or "H1" (the six-month report)
        sa.Column("value", sa.Numeric, nullable=False),  # in the part's unit
        sa.Column("source", sa.Text, nullable=False),  # the report the value comes from
        sa.Column("note", sa.Text),
        sa.Column("user", sa.Text, nullable=False),  # the account's e-mail
        sa.Column("recorded_at", sa.Text, nullable=False),  # ISO 8601 UTC, 2026-11-28T06:40:00Z
        sa.CheckConstraint("period IN ('year', 'H1')", name="ck_target_values_period"),
        sa.CheckConstraint("year >= 2016", name="ck_target_values_year"),
        sa.CheckConstraint("length(source) > 0", name="ck_target_values_source"),
        sqlite_autoincrement=True,  # ids are never reused: they order the records
    )
    op.create_index("ix_target_values_key", "target_values", ["target", "part", "year", "period", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION target_values_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        op.execute("CREATE TRIGGER target_values_append_only BEFORE UPDATE OR DELETE ON target_values "
                   "FOR EACH ROW EXECUTE PROCEDURE target_values_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER target_values_no_{event.lower()} BEFORE {event} ON target_values "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS target_values_append_only ON target_values")
        op.execute("DROP FUNCTION IF EXISTS target_values_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS target_values_no_{event}")
    op.drop_index("ix_target_values_key", "target_values")
    op.drop_table("target_values")
