"""The processes of bench/log_appends.py: writers committing one event per transaction,
and the sequencer sealing them as the scheduler does in production.

Processes, not threads: each writer has its own interpreter and GIL, as each web or
RQ worker does, so Python's time in one writer never holds up another. They are
started with `spawn`: nothing (no engine, no pooled connection) is inherited.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session, sessionmaker

import alerts.db.schema  # noqa: F401  (every table mapped, as in the app: events refer to incidents)
from alerts.core.db.session import make_engine, session_factory, write_transaction
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventData, EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.sequencer import seal
from bench.transparency.chained import chained_record

Mode = Literal["log", "chain"]
WARMUP = 20  # appends per writer before the clock starts: connections open, caches warm
SEALING_INTERVAL_S = 0.2  # workers/scheduler.py's SEALING_INTERVAL_S
CONTEXT = mp.get_context("spawn")


@dataclass(frozen=True)
class MessageReceived(EventData):
    """What intake appends for every inbound SMS (the shape bench/reporting writes)."""

    kind: ClassVar[EventKind] = EventKind.MESSAGE_RECEIVED
    ref: str
    channel: str
    sender: str
    provider_sid: str
    chars: int


def payload(writer: int, n: int) -> MessageReceived:
    message = writer * 1_000_000 + n
    return MessageReceived(
        ref=f"M{message}",
        channel="sms",
        sender=f"FP-{message % 997:06d}",
        provider_sid=f"SM{message:032d}",
        chars=60 + n % 100,
    )


@dataclass(frozen=True)
class WriterJob:
    url: str
    mode: Mode
    writer: int
    duration_s: float
    lock_key: int  # the baseline's advisory lock, private to the run


@dataclass(frozen=True)
class WriterResult:
    writer: int
    started: float  # wall clock (time.time), shared by every process on the host
    ended: float
    commits: list[tuple[int, float]]  # (event id, wall clock just after the commit returned)
    cpu_s: float


def append_one(job: WriterJob, factory: sessionmaker[Session], n: int) -> int:
    """One event in one transaction, committed; its row id."""
    subject = Subject("message", job.writer * 1_000_000 + n)
    with write_transaction(factory) as session:
        if job.mode == "log":
            event_id = ledger.record(session, datetime.now(UTC), payload(job.writer, n), subject).id
        else:
            event = chained_record(
                session, datetime.now(UTC), payload(job.writer, n), subject, job.lock_key
            )
            event_id = event.id
    return event_id


def writer_main(job: WriterJob, ready: Any, start: Any, results: Any, release: Any) -> None:
    """Warm up, say so on `ready`, wait for `start`, append for the job's duration, then
    keep the connection open until `release`: its backend's CPU time is read meanwhile."""
    engine = make_engine(job.url)
    factory = session_factory(engine)
    for n in range(WARMUP):
        append_one(job, factory, n)
    ready.put(job.writer)
    if not start.wait(120):
        return
    cpu_before = _cpu_s()
    started = time.time()
    deadline = time.monotonic() + job.duration_s
    commits: list[tuple[int, float]] = []
    n = WARMUP
    while time.monotonic() < deadline:
        commits.append((append_one(job, factory, n), time.time()))
        n += 1
    ended = time.time()
    results.put(WriterResult(job.writer, started, ended, commits, _cpu_s() - cpu_before))
    release.wait(60)
    engine.dispose()


@dataclass(frozen=True)
class SealBatch:
    """One call of the sequencer's `seal`: one batch sealed, one head signed."""

    began: float
    ended: float  # when its head had committed: evaluators could see it from then on
    sealed: int
    tree_size: int  # after the batch
    cpu_s: float  # the sequencer process's CPU time so far


def sequencer_main(url: str, seed: bytes, stop: Any, results: Any) -> None:
    """`seal_continually` (workers/scheduler.py): `seal_all` every SEALING_INTERVAL_S.

    `seal_all`'s own loop is written out here (`seal` until it seals nothing, every
    head with the pass's one time) so that each head's commit is observed: under steady
    load one pass goes on for as long as there is something new to seal.
    """
    key = Ed25519PrivateKey.from_private_bytes(seed)
    engine = make_engine(url)
    factory = session_factory(engine)
    batches: list[SealBatch] = []
    while not stop.is_set():
        now = datetime.now(UTC)
        while True:
            began = time.time()
            outcome = seal(factory, key, now)
            if outcome.sealed == 0:
                break
            ended = time.time()
            batches.append(SealBatch(began, ended, outcome.sealed, outcome.tree_size, _cpu_s()))
        stop.wait(SEALING_INTERVAL_S)
    results.put(batches)
    engine.dispose()


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
