"""correlation: an index on incidents.closed_at, so the candidate lookup stays flat (issue 12)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00

Correlation looks for incidents in a report's cells that are open and seen
recently, or closed recently. The first half had its index (last_report_at);
the second had none, so PostgreSQL read every incident for it and the lookup
grew with history. With both, it can read the recent incidents alone (a
bitmap OR of the two) when that is less than the cells' incidents.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.create_index(op.f("ix_incidents_closed_at"), ["closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.drop_index(op.f("ix_incidents_closed_at"))
