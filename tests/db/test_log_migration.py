"""Migration 0008 carries the hash chain into the log: its events become the first
leaves in chain order, checked once, with the chain's head recorded after them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Engine, bindparam, create_engine, select, text

from alerts.audit.log_verify import verify_log
from alerts.core.db.session import make_engine, session_factory
from alerts.core.db.types import UTCDateTime
from alerts.db import migrate
from alerts.timeline.domain.chain import GENESIS_HASH, event_hash
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import MemoryTree, leaf_hash
from alerts.timeline.log_key import generate_log_key, load_log_key
from alerts.timeline.models import Event, LogLeaf
from alerts.timeline.sequencer import seal_all
from tests.db.test_migrations import empty_database  # noqa: F401 - the fixture

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


INSERT = text(
    "INSERT INTO events (seq, occurred_at, actor, kind, subject_type, subject_id, incident_id,"
    " data, prev_hash, hash) VALUES (:seq, :occurred_at, :actor, :kind, :subject_type,"
    " :subject_id, :incident_id, :data, :prev_hash, :hash)"
).bindparams(bindparam("occurred_at", type_=UTCDateTime()), bindparam("data", type_=JSON()))


def chain_of(engine: Engine, count: int, *, broken_at: int | None = None) -> list[str]:
    """`count` events chained as the ledger chained them before the log; returns hashes.
    The event at `broken_at` is stored with other data than it was hashed with."""
    hashes, previous = [], GENESIS_HASH
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            fields: dict[str, Any] = {
                "seq": seq,
                "occurred_at": START + timedelta(seconds=seq),
                "actor": "system",
                "kind": "incident.note",
                "subject_type": "test",
                "subject_id": seq,
                "incident_id": None,
                "data": {"n": seq},
            }
            digest = event_hash(prev_hash=previous, **fields)
            stored = fields | ({"data": {"n": -1}} if seq == broken_at else {})
            connection.execute(INSERT, stored | {"prev_hash": previous, "hash": digest})
            hashes.append(digest)
            previous = digest
    return hashes


def test_the_chain_becomes_the_first_leaves_and_its_head_is_recorded(
    empty_database: str,  # noqa: F811
) -> None:
    migrate.upgrade(empty_database, "0007")
    engine = create_engine(empty_database)
    hashes = chain_of(engine, 5)
    engine.dispose()
    migrate.upgrade(empty_database)
    factory = session_factory(make_engine(empty_database))
    with factory() as session:
        events = {e.id: e for e in session.scalars(select(Event))}
        leaves = list(session.scalars(select(LogLeaf).order_by(LogLeaf.leaf_index)))
    assert [events[leaf.event_id].seq for leaf in leaves] == [1, 2, 3, 4, 5, None]
    migrated = events[leaves[-1].event_id]
    assert migrated.kind == "timeline.chain_migrated"
    assert migrated.data == {"chain_head": hashes[-1], "chain_count": 5, "chain_intact": True,
                             "finding": None}  # fmt: skip
    assert all(leaf.leaf_hash == leaf_hash(event_leaf_bytes(events[leaf.event_id])).hex()
               for leaf in leaves)  # fmt: skip
    # The scheduler's first batch signs a head over the migrated leaves, and the log verifies.
    key = load_log_key(generate_log_key())
    seal_all(factory, key, START + timedelta(days=1))
    with factory() as session:
        outcome = verify_log(session, key.public_key())
    assert outcome.intact and outcome.leaves == 6 and outcome.heads == 1
    expected = MemoryTree(bytes.fromhex(leaf.leaf_hash) for leaf in leaves).root()
    with factory() as session:
        root = session.execute(text("SELECT root_hash FROM tree_heads")).scalar_one()
    assert root == expected.hex()


def test_a_broken_chain_is_carried_over_with_its_finding(
    empty_database: str,  # noqa: F811
) -> None:
    migrate.upgrade(empty_database, "0007")
    engine = create_engine(empty_database)
    chain_of(engine, 4, broken_at=3)
    engine.dispose()
    migrate.upgrade(empty_database)
    factory = session_factory(make_engine(empty_database))
    with factory() as session:
        migrated = session.scalars(
            select(Event).where(Event.kind == "timeline.chain_migrated")
        ).one()
    assert migrated.data["chain_intact"] is False
    assert migrated.data["finding"] == "altered at seq 3"
    assert migrated.data["chain_count"] == 2  # the last event that still held
