"""dispatch: missions, contacts, deadlines, non-compliance, call-backs, SMS pacing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen here rather than imported, so later model changes cannot rewrite history.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)

# (table, new column, referenced table), added in place (see 0004).
REFERENCES = (
    ("senders", "contact_id", "contacts"),
    ("outbound_messages", "reveals_sender_id", "senders"),
    ("outbound_messages", "incident_id", "incidents"),
)


def _fk(column: str, target: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    _create_missions()
    _create_contacts()
    _create_deadlines()
    _create_noncompliance()
    _create_callback_tasks()
    _create_sms_lanes()
    # recreate="never": tables other rows point at are altered in place (see 0002).
    _add_network_columns()
    _add_incident_columns()
    _add_tasking_columns()
    _add_sms_pacing_columns()
    _add_references()


def _create_missions() -> None:
    op.create_table(
        "missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("dispatch", JSON_DOCUMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions")),
        sa.UniqueConstraint("name", name=op.f("uq_missions_name")),
    )


def _create_contacts() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        _fk("base_id", "bases", "contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("mission", "role", "name", name=op.f("uq_contacts_mission")),
    )
    op.create_index(op.f("ix_contacts_role"), "contacts", ["role"], unique=False)


def _create_deadlines() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("tasking_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("settled_at", UTC_TIME, nullable=True),
        _fk("incident_id", "incidents", "deadlines"),
        _fk("tasking_id", "taskings", "deadlines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    for column in ("incident_id", "tasking_id", "due_at", "status"):
        op.create_index(op.f(f"ix_deadlines_{column}"), "deadlines", [column], unique=False)


def _create_noncompliance() -> None:
    op.create_table(
        "noncompliance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("tasking_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        _fk("incident_id", "incidents", "noncompliance"),
        _fk("tasking_id", "taskings", "noncompliance"),
        _fk("unit_id", "units", "noncompliance"),
        _fk("base_id", "bases", "noncompliance"),
        _fk("message_id", "inbound_messages", "noncompliance"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noncompliance")),
    )
    for column in ("incident_id", "tasking_id", "unit_id", "category", "occurred_at"):
        op.create_index(op.f(f"ix_noncompliance_{column}"), "noncompliance", [column])


def _create_callback_tasks() -> None:
    op.create_table(
        "callback_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=12), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("caller_id", sa.Integer(), nullable=False),
        sa.Column("cla_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        _fk("message_id", "inbound_messages", "callback_tasks"),
        _fk("incident_id", "incidents", "callback_tasks"),
        _fk("caller_id", "senders", "callback_tasks"),
        _fk("cla_id", "senders", "callback_tasks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_tasks")),
        sa.UniqueConstraint("ref", name=op.f("uq_callback_tasks_ref")),
        sa.UniqueConstraint("message_id", name=op.f("uq_callback_tasks_message_id")),
    )
    op.create_index(op.f("ix_callback_tasks_incident_id"), "callback_tasks", ["incident_id"])
    op.create_index(op.f("ix_callback_tasks_status"), "callback_tasks", ["status"])


def _create_sms_lanes() -> None:
    op.create_table(
        "sms_lanes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_number", sa.String(length=32), nullable=False),
        sa.Column("next_free_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_lanes")),
        sa.UniqueConstraint("from_number", name=op.f("uq_sms_lanes_from_number")),
    )


def _add_network_columns() -> None:
    """Sectors, travel modes and languages of the network file."""
    with op.batch_alter_table("bases", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sector", sa.String(length=100), nullable=True))
    with op.batch_alter_table("units", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("travel_mode", sa.String(length=16), nullable=False, server_default="road")
        )
        batch_op.add_column(sa.Column("country", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def _add_incident_columns() -> None:
    """An incident's scope, its place on the escalation chain, and its verification."""
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("mission", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sector", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("escalation_step", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("escalation_uses", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("verified_at", UTC_TIME, nullable=True))
        batch_op.create_index(op.f("ix_incidents_mission"), ["mission"], unique=False)


def _add_tasking_columns() -> None:
    """Which duty phone an order went to, how often it was resent, the unit's travel time."""
    with op.batch_alter_table("taskings", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("phone_rank", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("resent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("travel_s", sa.Integer(), nullable=True))


def _add_sms_pacing_columns() -> None:
    """SMS pacing: segments, send slots and leases, retries, and due times in the outbox."""
    with op.batch_alter_table("outbound_messages", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("segments", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("not_before", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("send_lease_until", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failure_handled_at", UTC_TIME, nullable=True))
    with op.batch_alter_table("outbox", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("due_at", UTC_TIME, nullable=True))


def _add_references() -> None:
    """The new columns that reference other tables, with their indexes."""
    for table, column, target in REFERENCES:
        _add_reference(table, column, target)
    op.create_index(op.f("ix_senders_contact_id"), "senders", ["contact_id"], unique=False)
    op.create_index(
        op.f("ix_outbound_messages_incident_id"), "outbound_messages", ["incident_id"], unique=False
    )


def _fk_name(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referencing `target.id`, added in place (see 0004)."""
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
    op.drop_index(op.f("ix_outbound_messages_incident_id"), table_name="outbound_messages")
    op.drop_index(op.f("ix_senders_contact_id"), table_name="senders")
    for table, column, target in reversed(REFERENCES):
        if postgres:
            op.drop_constraint(_fk_name(table, column, target), table, type_="foreignkey")
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column(column)
    with op.batch_alter_table("outbox", recreate="never") as batch_op:
        batch_op.drop_column("due_at")
    with op.batch_alter_table("outbound_messages", recreate="never") as batch_op:
        for column in (
            "failure_handled_at",
            "attempts",
            "send_lease_until",
            "not_before",
            "segments",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("taskings", recreate="never") as batch_op:
        for column in ("travel_s", "resent", "phone_rank"):
            batch_op.drop_column(column)
    with op.batch_alter_table("incidents", recreate="never") as batch_op:
        batch_op.drop_index(op.f("ix_incidents_mission"))
        for column in ("verified_at", "escalation_uses", "escalation_step", "sector", "mission"):
            batch_op.drop_column(column)
    with op.batch_alter_table("units", recreate="never") as batch_op:
        for column in ("language", "country", "travel_mode"):
            batch_op.drop_column(column)
    with op.batch_alter_table("bases", recreate="never") as batch_op:
        batch_op.drop_column("sector")
    op.drop_table("sms_lanes")
    op.drop_index(op.f("ix_callback_tasks_status"), table_name="callback_tasks")
    op.drop_index(op.f("ix_callback_tasks_incident_id"), table_name="callback_tasks")
    op.drop_table("callback_tasks")
    for column in ("occurred_at", "category", "unit_id", "tasking_id", "incident_id"):
        op.drop_index(op.f(f"ix_noncompliance_{column}"), table_name="noncompliance")
    op.drop_table("noncompliance")
    for column in ("status", "due_at", "tasking_id", "incident_id"):
        op.drop_index(op.f(f"ix_deadlines_{column}"), table_name="deadlines")
    op.drop_table("deadlines")
    op.drop_index(op.f("ix_contacts_role"), table_name="contacts")
    op.drop_table("contacts")
    op.drop_table("missions")
