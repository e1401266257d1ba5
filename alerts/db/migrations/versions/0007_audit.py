"""audit: append-only events, history import (issue 7)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:40:00

On PostgreSQL, a trigger refuses UPDATE, DELETE and TRUNCATE on `events` to
every role that is not a superuser: the application's role, and the role that
owns the tables too. The timeline is evidence; the hash chain shows tampering
after the fact, the trigger stops the everyday kind before it happens.
Superusers are let through on purpose: they could disable the trigger anyway,
and the test suite (run as `postgres`) empties its tables between tests and
tampers with events to check that `alerts audit verify` notices. See
deploy/README.md, "The timeline is append-only".

SQLite has no roles; there the hash chain alone guards the timeline.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        IF TG_LEVEL = 'STATEMENT' THEN
            RETURN NULL;
        ELSIF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only: % on events refused for role %', TG_OP, current_user
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The timeline is evidence. Record a new event instead of changing one.';
END
$$
"""
TRIGGERS = (
    "CREATE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "historical_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=100), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("date_text", sa.String(length=100), nullable=False),
        sa.Column("date_first", sa.Date(), nullable=True),
        sa.Column("date_last", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=True),
        sa.Column("mission", sa.String(length=100), nullable=False),
        sa.Column("mission_text", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("deaths_text", sa.String(length=50), nullable=True),
        sa.Column("deaths_low", sa.Integer(), nullable=True),
        sa.Column("deaths_high", sa.Integer(), nullable=True),
        sa.Column("deaths_qualifier", sa.String(length=16), nullable=False),
        sa.Column("response_during", sa.Boolean(), nullable=True),
        sa.Column("response_after", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("imported_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historical_incidents")),
        sa.UniqueConstraint("dataset", "line", name=op.f("uq_historical_incidents_dataset")),
    )
    for column in ("dataset", "kind", "mission"):
        op.create_index(op.f(f"ix_historical_incidents_{column}"), "historical_incidents", [column])
    # A subject's events (a tasking's, a report's) for timelines and per-incident reads.
    op.create_index("ix_events_subject", "events", ["subject_type", "subject_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_append_only_rows ON events")
        op.execute("DROP FUNCTION IF EXISTS events_append_only()")
    op.drop_index("ix_events_subject", table_name="events")
    for column in ("mission", "kind", "dataset"):
        op.drop_index(op.f(f"ix_historical_incidents_{column}"), table_name="historical_incidents")
    op.drop_table("historical_incidents")
