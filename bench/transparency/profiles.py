"""Where an append's and a seal's CPU time goes: cProfile, by CPU time, in this process.

Run after the timed rounds, alone (nothing else of the benchmark running), on the
round's own schema. Each part is the cumulative time of one function, so a part
includes what it calls, and the parts may overlap where one calls another: they
say where the time is spent, not a partition of it.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session, sessionmaker

from alerts.timeline.sequencer import seal_all
from bench.transparency.writers import WriterJob, append_one

# (file ends with, function): the cumulative time of each, in the profile.
APPEND_PARTS = (
    ("`ledger.record`, the INSERT's flush included", "timeline/ledger.py", "record"),
    (
        "the ORM's flush of the one row (INSERT … RETURNING)",
        "orm/session.py",
        "flush",
    ),
    ("of which psycopg sending, waiting, reading", "psycopg/cursor.py", "execute"),
    ("the commit", "orm/session.py", "commit"),
    ("pool checkout, with its pre-ping round trip", "pool/base.py", "_checkout"),
    ("the canonical-JSON check (`canonical_json`)", "domain/canonical.py", "canonical_json"),
)
SEAL_PARTS = (
    ("the sealable-events query", "timeline/sequencer.py", "_sealable"),
    ("leaves: events as RFC 8785 bytes", "domain/leaves.py", "event_leaf_bytes"),
    ("hashing into the frontier", "domain/merkle.py", "append"),
    ("the ORM's flush of leaves and nodes", "orm/session.py", "flush"),
    ("signing the head", "domain/tree_head.py", "sign_tree_head"),
)


@dataclass(frozen=True)
class Part:
    name: str
    share: float  # of the profiled CPU time
    per_item_us: float  # per append, or per event sealed, as profiled


@dataclass(frozen=True)
class Profile:
    items: int
    cpu_per_item_us: float  # measured without the profiler
    parts: list[Part]


def parts(
    profiler: cProfile.Profile, wanted: tuple[tuple[str, str, str], ...], items: int
) -> list[Part]:
    """Each wanted function's cumulative time, as a share of the whole and per item."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(row[3] for row in stats.values())  # the outermost call's cumulative time
    found = []
    for name, file, function in wanted:
        # The largest of the functions of that name in that file: the outermost, where one
        # calls another (SQLAlchemy's Session.commit calls SessionTransaction.commit).
        cumulative = max(
            (row[3] for (path, _, func), row in stats.items()
             if path.endswith(file) and func == function),
            default=0.0,
        )  # fmt: skip
        found.append(Part(name, cumulative / total, cumulative / items * 1e6))
    return found


def _cpu(work: Callable[[], object]) -> float:
    began = time.process_time()
    work()
    return time.process_time() - began


def profile_appends(url: str, factory: sessionmaker[Session], items: int) -> Profile:
    """`items` appends by one writer, timed, then as many under the profiler."""
    job = WriterJob(url, "log", 99, 0.0, 0)
    for n in range(20):
        append_one(job, factory, n)
    plain = _cpu(lambda: [append_one(job, factory, n) for n in range(20, 20 + items)])
    profiler = cProfile.Profile(time.process_time, builtins=False)
    profiler.runcall(
        lambda: [append_one(job, factory, n) for n in range(20 + items, 20 + 2 * items)]
    )
    return Profile(items, plain / items * 1e6, parts(profiler, APPEND_PARTS, items))


def profile_sealing(url: str, factory: sessionmaker[Session], seed: bytes, items: int) -> Profile:
    """`items` events appended, then sealed, timed; as many again, sealed under the profiler."""
    key = Ed25519PrivateKey.from_private_bytes(seed)
    job = WriterJob(url, "log", 98, 0.0, 0)
    for n in range(items):
        append_one(job, factory, n)
    began = time.process_time()
    first = seal_all(factory, key, datetime.now(UTC))
    plain = time.process_time() - began
    for n in range(items, 2 * items):
        append_one(job, factory, n)
    profiler = cProfile.Profile(time.process_time, builtins=False)
    sealed = profiler.runcall(lambda: seal_all(factory, key, datetime.now(UTC)))
    return Profile(sealed, plain / first * 1e6, parts(profiler, SEAL_PARTS, sealed))
