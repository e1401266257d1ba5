"""pipeline: messages queued again or stuck, process heartbeats (issue 13)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00

`message_retries` holds the messages the queue lost or that kept failing: how
often the scheduler queued them again, the last error, and when they were
declared stuck. `heartbeats` holds the scheduler's last beat and what it saw.
Two indexes serve the scheduler's sweep: unhandled messages (partial, so it
stays tiny) and the outbox rows of one message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Frozen here rather than imported, so later model changes cannot rewrite history.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UNHANDLED = sa.text("handled_as IS NULL")


def upgrade() -> None:
    op.create_table(
        "message_retries",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("requeues", sa.Integer(), nullable=False),
        sa.Column("requeued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stuck_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["inbound_messages.id"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("message_retries", recreate="never") as batch_op:
        batch_op.create_index(batch_op.f("ix_message_retries_stuck_at"), ["stuck_at"])
    op.create_table(
        "heartbeats",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen", JSON_DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index(
        "ix_inbound_messages_unhandled",
        "inbound_messages",
        ["received_at"],
        postgresql_where=UNHANDLED,
        sqlite_where=UNHANDLED,
    )
    op.create_index("ix_outbox_ref_id", "outbox", ["ref_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_ref_id", table_name="outbox")
    op.drop_index("ix_inbound_messages_unhandled", table_name="inbound_messages")
    op.drop_table("heartbeats")
    with op.batch_alter_table("message_retries", recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_retries_stuck_at"))
    op.drop_table("message_retries")
