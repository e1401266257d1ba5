"""transparency log: events without a global lock, sealed into an RFC 9162 tree (issue 12)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00

Writers stop extending a hash chain under one lock: an event is a row with a
database id and, on PostgreSQL, the id of the transaction that wrote it. The
sequencer seals committed events into `log_leaves` and `log_nodes` and signs
`tree_heads`. All three are append-only, like `events`.

The existing chain is checked once here; its events become the first leaves in
chain order, followed by one event recording the chain's head and whether it
held. Leaves are computed here, by the same pure functions the sequencer uses;
the first signed head waits for the sequencer, which holds the log key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from alerts.audit.domain.tampering import StoredEvent, audit_chain
from alerts.core.db.types import JSONDocument, UTCDateTime
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import Frontier, leaf_hash

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 5000
LOG_TABLES = ("log_leaves", "log_nodes", "tree_heads")
LOG_APPEND_ONLY_FUNCTION = """
CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        IF TG_LEVEL = 'STATEMENT' THEN
            RETURN NULL;
        ELSIF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the log is append-only: % on % refused for role %',
        TG_OP, TG_TABLE_NAME, current_user
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The log is evidence. Nothing in it is ever changed.';
END
$$
"""

events = sa.table(
    "events",
    sa.column("id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.Integer()),
    sa.column("incident_id", sa.Integer()),
    sa.column("data", JSONDocument),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
leaves = sa.table(
    "log_leaves", sa.column("leaf_index"), sa.column("event_id"), sa.column("leaf_hash")
)
nodes = sa.table("log_nodes", sa.column("level"), sa.column("index"), sa.column("hash"))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _create_log_tables()
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("writer_xid", sa.BigInteger(), nullable=True))
        for column, kind in (("seq", sa.Integer()), ("prev_hash", sa.String(64))):
            batch.alter_column(column, existing_type=kind, nullable=True)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=True)
    op.create_index("ix_events_writer_xid", "events", ["writer_xid"])
    if postgres:
        op.execute(
            "ALTER TABLE events ALTER COLUMN writer_xid "
            "SET DEFAULT (pg_current_xact_id()::text)::bigint"
        )
        op.execute(LOG_APPEND_ONLY_FUNCTION)
        for table in LOG_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only_rows BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION log_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION log_append_only()"
            )
    _move_chain_into_the_log(op.get_bind())


def _create_log_tables() -> None:
    op.create_table(
        "log_leaves",
        sa.Column("leaf_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_log_leaves_event_id_events")
        ),
        sa.PrimaryKeyConstraint("leaf_index", name=op.f("pk_log_leaves")),
        sa.UniqueConstraint("event_id", name=op.f("uq_log_leaves_event_id")),
    )
    op.create_table(
        "log_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_log_nodes")),
    )
    op.create_table(
        "tree_heads",
        sa.Column("tree_size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("sealed_horizon", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_tree_heads")),
    )


def _chain(connection: sa.Connection) -> Iterator[Any]:
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events).where(events.c.seq > last).order_by(events.c.seq).limit(BATCH)
        ).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].seq


def _move_chain_into_the_log(connection: sa.Connection) -> None:
    """Check the old chain once, then seal its events (chain order) and its head."""
    stored = (
        StoredEvent(
            seq=r.seq, occurred_at=r.occurred_at, actor=r.actor, kind=r.kind,
            subject_type=r.subject_type, subject_id=r.subject_id, incident_id=r.incident_id,
            data=r.data, prev_hash=r.prev_hash, hash=r.hash, row_id=r.id,
        )
        for r in _chain(connection)
    )  # fmt: skip
    audit = audit_chain(stored, lambda _hash: None)
    if audit.head is None and audit.finding is None:
        return  # a new database: nothing to carry over
    frontier = Frontier()
    pending: list[Any] = []
    for row in _chain(connection):
        pending.append(row)
        if len(pending) == BATCH:
            _seal(connection, frontier, pending)
            pending = []
    _seal(connection, frontier, pending)
    finding = audit.finding
    record = {
        "chain_head": audit.head.hash if audit.head else None,
        "chain_count": audit.head.count if audit.head else 0,
        "chain_intact": finding is None,
        "finding": None if finding is None else f"{finding.kind} at seq {finding.seq}",
    }
    last_time = connection.execute(sa.select(sa.func.max(events.c.occurred_at))).scalar_one()
    connection.execute(
        sa.insert(events).values(
            occurred_at=last_time, actor="system", kind="timeline.chain_migrated",
            subject_type="log", subject_id=None, incident_id=None, data=record,
        )
    )  # fmt: skip
    migrated = connection.execute(
        sa.select(events).where(events.c.kind == "timeline.chain_migrated")
    ).one()
    _seal(connection, frontier, [migrated])


def _seal(connection: sa.Connection, frontier: Frontier, rows: list[Any]) -> None:
    """Append `rows` as leaves, in order, with every subtree they complete."""
    new_leaves, new_nodes = [], []
    for row in rows:
        leaf, *completed = frontier.append(leaf_hash(event_leaf_bytes(row)))
        new_leaves.append(
            {"leaf_index": leaf.index, "event_id": row.id, "leaf_hash": leaf.hash.hex()}
        )
        new_nodes += [{"level": n.level, "index": n.index, "hash": n.hash.hex()} for n in completed]
    if new_leaves:
        connection.execute(sa.insert(leaves), new_leaves)
    if new_nodes:
        connection.execute(sa.insert(nodes), new_nodes)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in LOG_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_rows ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS log_append_only()")
    op.drop_index("ix_events_writer_xid", table_name="events")
    for table in reversed(LOG_TABLES):
        op.drop_table(table)
    # Events written since the upgrade have no chain fields; they cannot go back into it.
    op.execute("DELETE FROM events WHERE seq IS NULL")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("writer_xid")
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)
