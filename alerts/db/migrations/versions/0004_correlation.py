"""correlation: incident cells, corroboration, continuation, merges, duplicate messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# recreate="never": tables other rows point at are altered in place (see 0002).
def upgrade() -> None:
    op.create_table(
        "incident_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_cells_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_cells")),
        sa.UniqueConstraint("cell", "incident_id", name=op.f("uq_incident_cells_cell")),
    )
    op.create_index(
        op.f("ix_incident_cells_incident_id"), "incident_cells", ["incident_id"], unique=False
    )
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("informants", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(op.f("ix_incidents_last_report_at"), ["last_report_at"], unique=False)
    for table, column, target in REFERENCES:
        _add_reference(table, column, target)


# (table, new column, referenced table)
REFERENCES = (
    ("incidents", "continuation_of_id", "incidents"),
    ("incidents", "merged_into_id", "incidents"),
    ("inbound_messages", "duplicate_of_id", "inbound_messages"),
)


def _fk_name(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referencing `target.id`, added in place.

    SQLite can only add a foreign key inline with its column, so it gets the
    column's DDL by hand; PostgreSQL adds the constraint after the column.
    """
    name = _fk_name(table, column, target)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, target, [column], ["id"])


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, column, target in reversed(REFERENCES):
        # SQLite drops a column with its inline foreign key; PostgreSQL needs it dropped first.
        if postgres:
            op.drop_constraint(_fk_name(table, column, target), table, type_="foreignkey")
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column(column)
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.drop_index(op.f("ix_incidents_last_report_at"))
        batch_op.drop_column("informants")
        batch_op.drop_column("closed_at")
    op.drop_index(op.f("ix_incident_cells_incident_id"), table_name="incident_cells")
    op.drop_table("incident_cells")
