"""Transparency log: roots and proofs over a million leaves, against raw SHA-256, same run.

    .venv/bin/python -m bench.merkle_log [--leaves N] [--proofs P] [--no-doc]

Makes N synthetic events, each as its RFC 8785 leaf, then times what an
evaluator and the sequencer do with them: hash every leaf and compute the root
(a full audit from stored leaves), build every perfect subtree (what the
sequencer stores), append leaf by leaf to a `Frontier` (the sequencer's path),
and make and verify P inclusion and P consistency proofs at size N. The
baseline is the bare cost of the same tree's 2N - 1 SHA-256 calls, so the
ratio shows what the Python around the hashing costs. The goal: verifying a
million leaves well under 30 s, and no proof longer than 20 hashes.

The results replace the "Transparency log" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from alerts.timeline.domain.canonical import event_leaf
from alerts.timeline.domain.merkle import (
    Frontier,
    MemoryTree,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from bench.harness.doc import code_state, describe_machine, wrap, write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Transparency log"
TARGET_SECONDS = 30.0
SEED = 9162  # any fixed number: the same proofs every run
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.process_time()
    result = work()
    return result, time.process_time() - start


def events(count: int) -> list[bytes]:
    return [
        event_leaf(
            {
                "seq": seq,
                "at": f"2026-03-01T04:{seq // 60 % 60:02d}:{seq % 60:02d}.000000Z",
                "actor": "system",
                "kind": "alert.received",
                "subject": ["message", seq],
                "incident": seq // 7,
                "data": {"ref": f"R{seq}", "place": "Kiwanja", "lat": -1.3812, "lon": 29.4435},
            }
        )
        for seq in range(1, count + 1)
    ]


def raw_hashes(leaf_hashes: list[bytes]) -> float:
    """2n - 1 SHA-256 calls on inputs of a leaf's and a node's length, nothing else."""
    sha256, node = hashlib.sha256, b"\x01" + bytes(64)
    start = time.process_time()
    for leaf in leaf_hashes:
        sha256(leaf).digest()
    for _ in range(len(leaf_hashes) - 1):
        sha256(node).digest()
    return time.process_time() - start


@dataclass(frozen=True)
class Outcome:
    leaves: int
    proofs: int
    canonical: float
    hashing: float
    root: float
    tree: float
    frontier: float
    inclusion: float
    consistency: float
    longest_inclusion: int
    longest_consistency: int
    baseline: float

    @property
    def audit(self) -> float:
        return self.hashing + self.root


def proofs(tree: MemoryTree, count: int) -> tuple[float, float, int, int]:
    """Seconds per inclusion and per consistency proof (made and verified), longest of each."""
    rng, size, root = random.Random(SEED), tree.size, tree.root()
    indices = [rng.randrange(size) for _ in range(count)]
    firsts = [rng.randrange(1, size + 1) for _ in range(count)]
    longest_inclusion = longest_consistency = 0
    start = time.process_time()
    for index in indices:
        path = tree.inclusion_path(index)
        verify_inclusion(index, size, tree.node(0, index), path, root)
        longest_inclusion = max(longest_inclusion, len(path))
    inclusion = (time.process_time() - start) / count
    start = time.process_time()
    for first in firsts:
        path = tree.consistency_path(first)
        verify_consistency(first, size, tree.root(first), root, path)
        longest_consistency = max(longest_consistency, len(path))
    consistency = (time.process_time() - start) / count
    return inclusion, consistency, longest_inclusion, longest_consistency


def measure(count: int, proof_count: int) -> Outcome:
    leaves, canonical = timed(lambda: events(count))
    hashes, hashing = timed(lambda: [leaf_hash(leaf) for leaf in leaves])
    expected, root = timed(lambda: root_hash(hashes))
    tree, building = timed(lambda: MemoryTree(hashes))

    def sequence() -> bytes:
        frontier = Frontier()
        for value in hashes:
            frontier.append(value)
        return frontier.root()

    sequenced, frontier = timed(sequence)
    if not expected == tree.root() == sequenced:
        raise SystemExit("the three ways to the root disagree")
    inclusion, consistency, longest_in, longest_con = proofs(tree, proof_count)
    return Outcome(
        count, proof_count, canonical, hashing, root, building, frontier,
        inclusion, consistency, longest_in, longest_con, raw_hashes(hashes),
    )  # fmt: skip


def section(outcome: Outcome, when: datetime, code: str) -> str:
    n = outcome.leaves
    verdict = "meets" if outcome.audit < TARGET_SECONDS else "misses"
    rows = [
        ("RFC 8785 leaves from event dicts (`rfc8785`)", outcome.canonical),
        ("leaf hashes, SHA-256(0x00 ‖ leaf)", outcome.hashing),
        ("root from the leaf hashes (`root_hash`)", outcome.root),
        ("every perfect subtree (`MemoryTree`)", outcome.tree),
        ("leaf by leaf through `Frontier.append`", outcome.frontier),
        ("baseline: the tree's 2n − 1 bare SHA-256 calls", outcome.baseline),
    ]
    table = ["| Step, n = " + f"{n:,} | CPU seconds |", "|---|---:|"]
    table += [f"| {name} | {seconds:.2f} |" for name, seconds in rows]
    return "\n\n".join(
        [
            SECTION,
            wrap(
                "Roots and proofs of the RFC 9162 Merkle tree, one core, measured by "
                "[`bench/merkle_log.py`](../bench/merkle_log.py) against bare SHA-256 in the "
                "same run. Reproduce with `.venv/bin/python -m bench.merkle_log`."
            ),
            "\n".join(
                wrap(f"- {item}", indent="  ")
                for item in [
                    f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}.",
                    f"Machine: {describe_machine()}. Seconds are this process's CPU time.",
                    f"Leaves: {n:,} synthetic events of about {event_size()} bytes each.",
                ]
            ),
            "\n".join(table),
            wrap(
                f"A full audit from stored leaves (hash every leaf, then the root) took "
                f"**{outcome.audit:.2f} s**, {outcome.audit / outcome.baseline:.1f}× the bare "
                f"hashing; the goal is under {TARGET_SECONDS:.0f} s, which it {verdict}. "
                f"Re-canonicalising every event first adds {outcome.canonical:.1f} s."
            ),
            wrap(
                f"Proofs at size {n:,}, {outcome.proofs:,} of each, made from the stored "
                f"subtrees and verified: inclusion {outcome.inclusion * 1e6:.0f} µs each, at "
                f"most {outcome.longest_inclusion} hashes; consistency "
                f"{outcome.consistency * 1e6:.0f} µs each, at most "
                f"{outcome.longest_consistency} hashes."
            ),
        ]
    )


def event_size() -> int:
    return len(events(1)[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.merkle_log")
    parser.add_argument("--leaves", type=int, default=1_000_000, help="events in the log")
    parser.add_argument("--proofs", type=int, default=1_000, help="proofs of each kind")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    outcome = measure(args.leaves, args.proofs)
    # code_state asks git; print-only runs leave git alone.
    code = "not recorded (--no-doc)" if args.no_doc else code_state("alerts/timeline")
    content = section(outcome, datetime.now(UTC), code) + "\n"
    print(content)
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    return 0 if outcome.audit < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
