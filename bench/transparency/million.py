"""A million events in a private schema, twice: as the log's `events` (then sealed by the
sequencer) and as the old `chained_events` with their chain hashes, the same events.

The events are bench/reporting's seeded year of a busy mission: the kinds, subjects
and JSON data the pipeline writes, with hash-chain fields computed as the old ledger
computed them. They go in by COPY; sealing goes through the sequencer's own `seal`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from alerts.audit.log_proofs import prove_extension, prove_incident, prove_leaf
from alerts.core.db.session import session_factory
from alerts.timeline.models import Event, TreeHead
from alerts.timeline.sequencer import seal
from bench.report import INCIDENT_COLUMNS
from bench.reporting.timeline import generate

SEED = 9_162
BASES, UNITS = 6, list(range(1, 13))
LOG_COLUMNS = "occurred_at, actor, kind, subject_type, subject_id, incident_id, data"
CHAIN_COLUMNS = (
    "seq, occurred_at, actor, kind, subject_type, subject_id, incident_id, data, prev_hash, hash"
)
INCIDENT_EVENTS = 20  # the size of incident `prove --incident` is timed on


@dataclass(frozen=True)
class Loaded:
    events: int
    incidents: int
    generate_s: float
    copy_s: float
    incident_ref: str  # an incident with about INCIDENT_EVENTS events of its own


def load(engine: Engine, events: int) -> Loaded:
    """Generate, then COPY incidents, the log's events and the chained events."""
    started = time.perf_counter()
    generated = generate(events, SEED, BASES, UNITS)
    generate_s = time.perf_counter() - started
    per_incident = Counter(row[6] for row in generated.events if row[6] is not None)
    chosen = min(per_incident, key=lambda i: (abs(per_incident[i] - INCIDENT_EVENTS), i))
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY incidents ({INCIDENT_COLUMNS}) FROM STDIN") as copy:
                for row in generated.incidents:
                    copy.write_row(row)
            with cursor.copy(f"COPY events ({LOG_COLUMNS}) FROM STDIN") as copy:
                for row in generated.events:
                    copy.write_row(row[1:8])
            with cursor.copy(f"COPY chained_events ({CHAIN_COLUMNS}) FROM STDIN") as copy:
                for row in generated.events:
                    copy.write_row(row)
            for table in ("incidents", "events", "chained_events"):
                cursor.execute(f"ANALYZE {table}")
        connection.commit()
    finally:
        raw.close()
    copy_s = time.perf_counter() - started
    ref = next(row[1] for row in generated.incidents if row[0] == chosen)
    return Loaded(len(generated.events), len(generated.incidents), generate_s, copy_s, ref)


@dataclass(frozen=True)
class Sealed:
    leaves: int
    batches: int
    seconds: float
    batch_s: list[float]


def seal_everything(engine: Engine, key: Ed25519PrivateKey, batch: int) -> Sealed:
    """The sequencer's `seal`, `batch` events a call, until nothing is left.

    Each head is signed at its batch's newest event's time plus a second, as if the
    sequencer had sealed the year as it happened: heads signed today over a year of
    events would rightly be reported as backdating every event after the first batch.
    """
    factory = session_factory(engine)
    times: list[float] = []
    size = 0
    started = time.perf_counter()
    while True:
        began = time.perf_counter()
        with factory() as session:
            newest = _newest_unsealed(session, size, batch)
        if newest is None:
            break
        outcome = seal(factory, key, newest + timedelta(seconds=1), limit=batch)
        times.append(time.perf_counter() - began)
        size = outcome.tree_size
        print(f"sealed {size:,} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return Sealed(size, len(times), time.perf_counter() - started, times)


def _newest_unsealed(session: Session, sealed: int, batch: int) -> datetime | None:
    """The time of the last of the next `batch` events the sequencer will seal: it
    seals in id order, and here, loaded in one go, ids follow the time."""
    upcoming = select(Event.occurred_at).order_by(Event.id).offset(sealed).limit(batch).subquery()
    newest: datetime | None = session.scalar(select(func.max(upcoming.c.occurred_at)))
    return newest


@dataclass(frozen=True)
class Proofs:
    inclusion_hashes: int  # the random leaf's
    inclusion_s: float  # median over the sampled leaves, made and checked
    inclusion_max_hashes: int
    sampled: int
    incident_ref: str
    incident_proofs: int
    incident_hashes: int  # all its proofs' audit paths together
    incident_s: float
    consistency_first: int
    consistency_second: int
    consistency_hashes: int
    consistency_s: float


def time_proofs(session: Session, key: Ed25519PrivateKey, ref: str, samples: int) -> Proofs:
    """Proofs as `alerts audit prove` makes them: from the stored subtrees, each checked
    against its signed head before it is returned."""
    public = key.public_key()
    rng = random.Random(SEED)
    size = session.execute(select(func.max(TreeHead.tree_size))).scalar_one()
    times, lengths = [], []
    for index in (rng.randrange(size) for _ in range(samples)):
        began = time.perf_counter()
        proof = prove_leaf(session, index, public)
        times.append(time.perf_counter() - began)
        lengths.append(len(proof.audit_path))
    began = time.perf_counter()
    incident = prove_incident(session, ref, public).proofs
    incident_s = time.perf_counter() - began
    first = session.execute(select(func.min(TreeHead.tree_size))).scalar_one()
    began = time.perf_counter()
    extension = prove_extension(session, first, public)
    consistency_s = time.perf_counter() - began
    return Proofs(
        lengths[0], statistics.median(times), max(lengths), samples, ref,
        len(incident), sum(len(p.audit_path) for p in incident), incident_s,
        first, size, len(extension.proof), consistency_s,
    )  # fmt: skip
