"""The sequencer: seals committed events into the transparency log, a batch at a time.

Writers never wait for each other: each inserts its events in its own transaction.
The sequencer then gives every committed event a leaf (RFC 9162), in batches, and
ends each batch with a signed tree head. It runs in the scheduler process; several
schedulers may run, and a lock that only sequencers take makes each event sealed
exactly once (the leaves' unique keys would refuse a second time anyway).

It never seals past an event that could still commit at a lower position. On
PostgreSQL it seals only events written by transactions older than the oldest one
of this database still running: every such transaction has ended, so no event can
appear later below what was sealed. SQLite has one writer at a time, and this
transaction is it, so every event it can see has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import Frontier, leaf_hash
from alerts.timeline.domain.tree_head import TreeHead, key_id, sign_tree_head
from alerts.timeline.log_store import StoredNodes, latest_head
from alerts.timeline.models import Event, LogLeaf, LogNode
from alerts.timeline.models import TreeHead as TreeHeadRow

# Only sequencers take it; writers never do. Any constant, the same in every process.
SEQUENCER_LOCK_KEY = 7_215_002
BATCH = 2000

_LEAF_COLUMNS = (
    Event.id,
    Event.occurred_at,
    Event.actor,
    Event.kind,
    Event.subject_type,
    Event.subject_id,
    Event.incident_id,
    Event.data,
)


@dataclass(frozen=True)
class SealOutcome:
    tree_size: int
    sealed: int


def seal(
    factory: sessionmaker[Session], key: Ed25519PrivateKey, now: datetime, limit: int = BATCH
) -> SealOutcome:
    """Seal up to `limit` committed events, in id order, and sign the new head."""
    with write_transaction(factory) as session:
        _take_sequencer_lock(session)
        head = latest_head(session)
        # Leaves beyond the last head are possible once: those the migration from the
        # hash chain sealed, before any log key signed a head.
        size = (
            session.execute(select(func.coalesce(func.max(LogLeaf.leaf_index), -1))).scalar_one()
            + 1
        )
        below = head.sealed_horizon if head is not None else 0
        rows, horizon = _sealable(session, below, limit)
        if not rows and (head.tree_size if head is not None else 0) == size:
            return SealOutcome(size, 0)
        nodes = StoredNodes(session)
        frontier = Frontier.at(nodes, size)
        for row in rows:
            _append(session, frontier, row)
        if len(rows) == limit:
            horizon = below  # more may wait below the horizon: look there again next time
        signed = sign_tree_head(TreeHead(frontier.size, frontier.root(), now), key)
        session.add(
            TreeHeadRow(
                tree_size=frontier.size,
                root_hash=frontier.root().hex(),
                timestamp=now,
                signature=signed.to_json()["signature"],
                key_id=key_id(key.public_key()),
                sealed_horizon=horizon,
            )
        )
        return SealOutcome(frontier.size, len(rows))


def seal_all(factory: sessionmaker[Session], key: Ed25519PrivateKey, now: datetime) -> int:
    """Seal until nothing sealable is left; the number of events sealed."""
    total = 0
    while (sealed := seal(factory, key, now).sealed) > 0:
        total += sealed
    return total


def _append(session: Session, frontier: Frontier, row: Any) -> None:
    completed = frontier.append(leaf_hash(event_leaf_bytes(row)))
    leaf = completed[0]
    session.add(LogLeaf(leaf_index=leaf.index, event_id=row.id, leaf_hash=leaf.hash.hex()))
    session.add_all(
        LogNode(level=node.level, index=node.index, hash=node.hash.hex()) for node in completed[1:]
    )


def _take_sequencer_lock(session: Session) -> None:
    # Advisory locks belong to the database; keyed by schema too, so two logs that share
    # a database (a staging copy, a benchmark) never wait on each other.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), :key)"),
            {"key": SEQUENCER_LOCK_KEY},
        )


def _sealable(session: Session, below: int, limit: int) -> tuple[Sequence[Any], int]:
    """Unsealed committed events that can no longer be overtaken, oldest id first, and
    the horizon below which every event is sealed once these are."""
    unsealed = ~exists().where(LogLeaf.event_id == Event.id)
    if session.get_bind().dialect.name == "postgresql":
        horizon = _oldest_running_writer(session)
        window = (Event.writer_xid >= below) & (Event.writer_xid < horizon)
        rows = session.execute(
            select(*_LEAF_COLUMNS).where(window, unsealed).order_by(Event.id).limit(limit)
        ).all()
        return rows, horizon
    rows = session.execute(
        select(*_LEAF_COLUMNS).where(Event.id >= below, unsealed).order_by(Event.id).limit(limit)
    ).all()
    return rows, (rows[-1].id + 1 if rows else below)


# The oldest transaction of this database that holds a transaction id, as a full xid8:
# pg_stat_activity shows 32-bit xids, so each takes the epoch that puts it within 2**31
# of the snapshot's xmax (running xids lie on both sides of it). Without one running,
# the snapshot's xmax: no transaction that has begun can commit below it. Only this
# database's, so a bulk load in another database of the cluster (which cannot write our
# events) does not hold sealing back. Every role sees every session's backend_xid.
_OLDEST_RUNNING_WRITER = text(
    """
    WITH now AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
    running AS (
        SELECT (now.xmax >> 32 << 32) + backend_xid::text::bigint AS xid, now.xmax
        FROM pg_stat_activity, now
        WHERE datname = current_database() AND backend_xid IS NOT NULL
    )
    SELECT COALESCE(
        (SELECT min(CASE WHEN xid > xmax + 2147483648 THEN xid - 4294967296
                         WHEN xid < xmax - 2147483648 THEN xid + 4294967296
                         ELSE xid END) FROM running),
        (SELECT xmax FROM now)
    )
    """
)


def _oldest_running_writer(session: Session) -> int:
    """Every event written below this has committed or never will."""
    return int(session.execute(_OLDEST_RUNNING_WRITER).scalar_one())
