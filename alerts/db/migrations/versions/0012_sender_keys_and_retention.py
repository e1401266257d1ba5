"""registry: which data key a number is under, and numbers erased (issue 14)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:30:00

`senders.key_id` names the data key a number's encryption and lookup hash are
under, so `alerts keys rotate` can resume where it stopped; rows from before
stay NULL until the first rotation checks them. `senders.number_erased_at` marks
a number erased by the retention purge. Added columns only: SQLite adds them in
place, without rebuilding a table that others reference.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("senders", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("number_erased_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("senders", recreate="never") as batch_op:
        batch_op.drop_column("number_erased_at")
        batch_op.drop_column("key_id")
