"""reports: threat severity and place candidates; incidents: triage reason

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here rather than imported, so later model changes cannot rewrite history.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# recreate="never": tables other rows point at are altered in place (see 0002).
def upgrade() -> None:
    with op.batch_alter_table("reports", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("severity", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("ambiguous", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("candidates", JSON_DOCUMENT, nullable=True))
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("triage_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.drop_column("triage_reason")
    with op.batch_alter_table("reports", recreate="never") as batch_op:
        batch_op.drop_column("candidates")
        batch_op.drop_column("ambiguous")
        batch_op.drop_column("severity")
