"""gazetteer: GeoNames places beside the network's own

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# recreate="never": on SQLite, batch mode would otherwise copy `places` into a new
# table and drop the old one, which fails while senders point at places with
# foreign keys on. Added columns, indexes and (SQLite >= 3.35) dropped columns all
# work in place, on SQLite and PostgreSQL alike.


def upgrade() -> None:
    with op.batch_alter_table("places", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("geonameid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("feature", sa.String(length=10), nullable=True))
        # Existing (network) rows get 0: the network file carries no population.
        batch_op.add_column(
            sa.Column("population", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_places_geonameid"), ["geonameid"], unique=True)
        batch_op.create_index("ix_places_source_country", ["source", "country"], unique=False)


def downgrade() -> None:
    # Without their geonameid, imported rows could never be matched again by a
    # re-import after the next upgrade, only duplicated; they are re-importable.
    op.execute(sa.text("DELETE FROM places WHERE source = 'geonames'"))
    with op.batch_alter_table("places", recreate="never") as batch_op:
        batch_op.drop_index("ix_places_source_country")
        batch_op.drop_index(batch_op.f("ix_places_geonameid"))
        batch_op.drop_column("population")
        batch_op.drop_column("feature")
        batch_op.drop_column("country")
        batch_op.drop_column("geonameid")
