"""Verifying a million-event log: `alerts audit verify` against the old chain audit, same run.

    .venv/bin/python -m bench.log_verify [--events N] [--seal-batch B] [--no-doc]

In a private PostgreSQL schema: N events of a seeded year (bench/reporting) by COPY,
as the log's `events` and, the same events with their chain hashes, as the old
`chained_events` (bench/transparency/chained.py). Then, timed:

- sealing every event with the sequencer's `seal`, B events a call;
- `verify_log`, what `alerts audit verify` runs: every leaf rebuilt from its event,
  every signed head checked; and the CLI itself, as an evaluator runs it;
- the baseline: the old `alerts audit verify`, `audit_chain` over the chained events;
- proofs as `alerts audit prove` makes them: inclusion of random leaves, of one
  incident's events (`--incident`), and the consistency of the first head with the last;
- a cProfile of `verify_log` over the first leaves, to say where its time goes.

The result replaces the "Log verification" section of docs/benchmarks.md and
docs/img/log-verify.svg. Exit status: 0 goal met and everything verified; 1 measured,
but the goal missed or a check failed; 2 no valid measurement; 130 interrupted.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import resource
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from alerts.audit.domain.log_audit import audit_log
from alerts.audit.log_verify import WORKERS, stored_leaves, verify_log
from alerts.core.db.session import make_engine, session_factory
from alerts.timeline.domain.tree_head import public_key_base64
from bench.harness import servers
from bench.harness.doc import DOC, code_state, describe_machine, write_section
from bench.harness.run import run
from bench.transparency import verify_doc
from bench.transparency.chained import create_table, verify_chain
from bench.transparency.million import load, seal_everything, time_proofs
from bench.transparency.profiles import Part, parts

PROFILED_LEAVES = 100_000
# (what, file ends with, function): the cumulative time of each, in the profile.
VERIFY_PARTS = (
    ("reading the rows and rebuilding their leaves", "audit/log_verify.py", "_rebuilt"),
    ("of which running the query (psycopg `execute`)", "psycopg/cursor.py", "execute"),
    ("of which psycopg decoding each event's JSON data", "psycopg/types/json.py", "load"),
    ("of which events as RFC 8785 bytes", "domain/leaves.py", "event_leaf_bytes"),
    ("of which `canonical_json`", "domain/canonical.py", "canonical_json"),
    ("of which its fast-path check", "domain/canonical.py", "_spelled_alike"),
    ("of which hashing the leaves", "domain/merkle.py", "leaf_hash"),
    ("the audit's tree (`Frontier.append`)", "domain/merkle.py", "append"),
    ("the audit's checks of each leaf", "domain/log_audit.py", "_check_leaf"),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.log_verify")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seal-batch", type=int, default=50_000, help="events per seal call")
    parser.add_argument("--proofs", type=int, default=100, help="random leaves to prove")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--timeout", type=int, default=1800, help="limit for the run, seconds")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    if args.events < 1000 or args.seal_batch < 1:
        parser.error("--events must be at least 1000 and --seal-batch positive")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL: the benchmark uses a private schema")
    return args


def _children_cpu_s() -> float:
    """CPU seconds of this process's ended children: the verifier's worker processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_verify(session: Session, key: Ed25519PrivateKey, workers: int) -> verify_doc.Timed:
    load = os.getloadavg()[0]
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu_s()
    audit = verify_log(session, key.public_key(), workers=workers)
    first = audit.first
    return verify_doc.Timed(
        time.perf_counter() - started,
        time.process_time() - cpu + _children_cpu_s() - children,
        audit.leaves,
        None if first is None else f"{first.kind}: {first.detail}",
        load,
    )


def timed_chain(session: Session) -> verify_doc.Timed:
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    audit = verify_chain(session)
    finding = None if audit.finding is None else str(audit.finding)
    return verify_doc.Timed(
        time.perf_counter() - started, time.process_time() - cpu, audit.checked, finding, load
    )


def timed_cli(url: str, key: Ed25519PrivateKey) -> verify_doc.Timed:
    """`alerts audit verify`, a fresh process, as an evaluator runs it: start-up included."""
    env = servers.server_env({"ALERTS_DATABASE_URL": url})
    argv = [str(Path(sys.executable).parent / "alerts"), "audit", "verify"]
    argv += ["--public-key", public_key_base64(key.public_key())]
    load = os.getloadavg()[0]
    started, children = time.perf_counter(), _children_cpu_s()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.startswith("OK: "):
        raise RuntimeError(f"alerts audit verify failed: {done.stdout}{done.stderr}")
    leaves = int(done.stdout.split()[1])  # "OK: 1000000 leaves rebuilt from their events, …"
    return verify_doc.Timed(elapsed, _children_cpu_s() - children, leaves, None, load)


def profile(session: Session, key: Ed25519PrivateKey, leaves: int) -> list[Part]:
    """Where a leaf's time goes: one process's leaf stream and audit over the first leaves.
    Builtins are not profiled: their many small calls would be inflated most."""
    profiler = cProfile.Profile(builtins=False)
    stream = itertools.islice(stored_leaves(session, workers=1), leaves)
    profiler.runcall(lambda: audit_log(stream, [], key.public_key()))
    return parts(profiler, VERIFY_PARTS, leaves)


def measure(args: argparse.Namespace, workdir: Path, cleanup: ExitStack) -> int:
    code = "not recorded (--no-doc)" if args.no_doc else code_state("alerts")
    url = cleanup.enter_context(servers.private_schema(args.database_url))
    engine = make_engine(url)
    cleanup.callback(engine.dispose)
    create_table(engine)
    loaded = load(engine, args.events)
    print(f"loaded {loaded.events:,} events twice in {loaded.copy_s:.0f} s", file=sys.stderr)
    key = Ed25519PrivateKey.generate()
    sealed = seal_everything(engine, key, args.seal_batch)
    factory = session_factory(engine)
    load_before = os.getloadavg()[0]
    with factory() as session:
        verified = timed_verify(session, key, WORKERS)
    print(f"verify_log: {verified.seconds:.1f} s", file=sys.stderr)
    with factory() as session:
        alone = timed_verify(session, key, 1)
    print(f"verify_log, one process: {alone.seconds:.1f} s", file=sys.stderr)
    cli = timed_cli(url, key)
    print(f"alerts audit verify: {cli.seconds:.1f} s", file=sys.stderr)
    with factory() as session:
        chain = timed_chain(session)
    print(f"old chain audit: {chain.seconds:.1f} s", file=sys.stderr)
    load_after = os.getloadavg()[0]
    with factory() as session:
        proofs = time_proofs(session, key, loaded.incident_ref, args.proofs)
        hot = profile(session, key, min(PROFILED_LEAVES, loaded.events))
    with engine.connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    outcome = verify_doc.Outcome(
        loaded, sealed, verified, alone, cli, chain, proofs, hot,
        min(PROFILED_LEAVES, loaded.events), (load_before, load_after),
    )  # fmt: skip
    machine = f"{describe_machine()}, PostgreSQL {postgres}"
    content = verify_doc.section(outcome, datetime.now(UTC), machine, code)
    print(content)
    if not args.no_doc:
        verify_doc.chart(outcome, verify_doc.CHART)
        write_section(DOC, verify_doc.SECTION, content)
        print(f"wrote the {verify_doc.SECTION!r} section of {DOC}", file=sys.stderr)
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv), measure, "log-verify")


if __name__ == "__main__":
    sys.exit(main())
