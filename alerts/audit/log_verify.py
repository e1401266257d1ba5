"""`alerts audit verify` on the transparency log: stream the leaves with their events
from the database, in batches so memory stays flat, into the pure audit.

Rebuilding a leaf from its event (fetch the row, write its RFC 8785 form, hash it)
is most of the work, and each leaf's is independent of the others'. On PostgreSQL,
for a large log, worker processes rebuild ranges of leaves over connections of
their own while this process runs the audit over them in index order; the audit
sees the same leaves, in the same order, as from one stream.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import ColumnElement, Connection, Engine, Select, exists, func, select
from sqlalchemy.orm import Session

from alerts.audit.domain.log_audit import LogAudit, StoredLeaf, audit_log
from alerts.core.db.session import make_engine
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import leaf_hash
from alerts.timeline.domain.tree_head import SignedTreeHead
from alerts.timeline.log_store import latest_head, signed_head
from alerts.timeline.models import Event, LogLeaf, TreeHead

BATCH = 5000
# Measured on 2 cores with PostgreSQL beside them: a million leaves in 1.6x less time
# with two workers; below a few hundred thousand, starting them costs more than it saves.
WORKERS = 2
PARALLEL_FROM = 200_000

LeafRow = tuple[int, int, bytes, bytes | None, datetime | None]

_COLUMNS = (
    LogLeaf.leaf_index,
    LogLeaf.event_id,
    LogLeaf.leaf_hash,
    Event.id,
    Event.occurred_at,
    Event.actor,
    Event.kind,
    Event.subject_type,
    Event.subject_id,
    Event.incident_id,
    Event.data,
)


def verify_log(
    session: Session,
    public_key: Ed25519PublicKey,
    anchors: Sequence[SignedTreeHead] = (),
    *,
    workers: int = WORKERS,
) -> LogAudit:
    heads = [
        signed_head(row) for row in session.scalars(select(TreeHead).order_by(TreeHead.tree_size))
    ]
    return audit_log(
        stored_leaves(session, workers=workers),
        heads,
        public_key,
        anchors=anchors,
        stray_events=stray_events(session),
        sealed_as=lambda digest: session.scalar(
            select(LogLeaf.leaf_index).where(LogLeaf.leaf_hash == digest.hex()).limit(1)
        ),
    )


def stored_leaves(
    session: Session, batch: int = BATCH, *, workers: int = 1
) -> Iterator[StoredLeaf]:
    """Every leaf in index order, each with its leaf recomputed from its event row.

    With `workers` > 1 on PostgreSQL and at least PARALLEL_FROM leaves, the leaves
    sealed when it starts are rebuilt by that many processes; any sealed meanwhile
    are read here afterwards, as one stream would have read them.
    """
    # Core rows through the session's connection, not the ORM's execute: the same rows
    # and types, without the ORM's per-row loading (measured: a fifth of the fetch).
    connection = session.connection()
    last = -1
    workers = min(workers, os.cpu_count() or 1)  # one core: a worker only adds its start-up
    if workers > 1 and connection.dialect.name == "postgresql":
        end = connection.scalar(select(func.max(LogLeaf.leaf_index) + 1))
        if end is not None and end >= PARALLEL_FROM:
            try:
                for row in _rebuilt_in_parallel(connection, int(end), workers, batch):
                    yield StoredLeaf(*row)
                    last = row[0]
            except BrokenProcessPool:
                # A worker could not start (no importable main module, say) or died: the
                # rest is read here, from the leaf after the last one yielded.
                pass
    while True:
        rows = _rebuilt(connection, _after(last, batch))
        for row in rows:
            yield StoredLeaf(*row)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def _select() -> Select[Any]:
    return select(*_COLUMNS).outerjoin(Event, Event.id == LogLeaf.event_id)


def _after(last: int, batch: int) -> Select[Any]:
    return _select().where(LogLeaf.leaf_index > last).order_by(LogLeaf.leaf_index).limit(batch)


def _between(start: int, stop: int) -> Select[Any]:
    return (
        _select()
        .where(LogLeaf.leaf_index >= start, LogLeaf.leaf_index < stop)
        .order_by(LogLeaf.leaf_index)
    )


def _rebuilt(connection: Connection, query: Select[Any]) -> list[LeafRow]:
    """The query's leaves, each as stored and as recomputed from its event (None: no event)."""
    return [
        (
            row.leaf_index,
            row.event_id,
            bytes.fromhex(row.leaf_hash),
            leaf_hash(event_leaf_bytes(row)) if row.id is not None else None,
            row.occurred_at,
        )
        for row in connection.execute(query)
    ]


def _rebuilt_in_parallel(
    connection: Connection, end: int, workers: int, batch: int
) -> Iterator[LeafRow]:
    """Leaves 0 to end - 1 rebuilt by `workers` processes, a range each, yielded in order.

    At most two ranges per worker are waiting at any time, so memory stays flat
    however far the audit falls behind.
    """
    url = connection.engine.url.render_as_string(hide_password=False)
    ranges = ((start, min(start + batch, end)) for start in range(0, end, batch))
    # Spawned, not forked: nothing inherited, no open connection shared.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context)
    pending: deque[Future[list[LeafRow]]] = deque()
    try:
        for start, stop in itertools.islice(ranges, 2 * workers):
            pending.append(pool.submit(_rebuild_range, url, start, stop))
        while pending:
            rows = pending.popleft().result()
            # This session's transaction waits while the workers read: a statement now and
            # then keeps PostgreSQL's idle-in-transaction timeout from ending it.
            connection.execute(select(1))
            for start, stop in itertools.islice(ranges, 1):
                pending.append(pool.submit(_rebuild_range, url, start, stop))
            yield from rows
    finally:
        # The audit may stop early (a leaf missing): drop what is still queued.
        pool.shutdown(wait=True, cancel_futures=True)


@functools.cache
def _worker_engine(url: str) -> Engine:
    """A worker process's engine: made on its first range, used for the rest."""
    return make_engine(url)


def _rebuild_range(url: str, start: int, stop: int) -> list[LeafRow]:
    with _worker_engine(url).connect() as connection:
        return _rebuilt(connection, _between(start, stop))


def stray_events(session: Session) -> list[int]:
    """Events below the last head's horizon that are in no leaf: nothing honest leaves one.

    On SQLite the horizon is an event id; on PostgreSQL a writer's transaction id, and
    an event without one (written by hand, not by the application) counts too.
    """
    head = latest_head(session)
    if head is None:
        return []
    unsealed = ~exists().where(LogLeaf.event_id == Event.id)
    below: ColumnElement[bool] = Event.id < head.sealed_horizon
    if session.get_bind().dialect.name == "postgresql":
        below = (Event.writer_xid < head.sealed_horizon) | Event.writer_xid.is_(None)
    return list(session.scalars(select(Event.id).where(below, unsealed).order_by(Event.id)))
