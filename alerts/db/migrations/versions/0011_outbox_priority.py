"""messaging: the queue an outbox row waits in (issue 13, "Orders go first")

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:00:00

`outbox.priority` names the job queue of the row: orders, replies, alerts or
bulk. Rows written before it wait with the alerts, as they always did.
`sms_lanes.urgent_free_at` is where the next order's slot may start: orders and
escalations take their slots before the SMS already waiting in the lane.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen here rather than imported, so later model changes cannot rewrite history.
UTC_TIME = sa.DateTime(timezone=True)

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("priority", sa.String(length=16), nullable=False, server_default="alerts")
        )
    with op.batch_alter_table("sms_lanes", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("urgent_free_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sms_lanes") as batch_op:
        batch_op.drop_column("urgent_free_at")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("priority")
