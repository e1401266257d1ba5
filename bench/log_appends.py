"""Event appends: the transparency log against the old locked hash chain, same run.

    .venv/bin/python -m bench.log_appends [--writers W] [--duration S] [--no-doc]

In a private PostgreSQL schema, W writer processes each append one event per
transaction for S seconds, twice:

- the baseline, the old chain re-created in bench/transparency/chained.py: take
  the ledger's advisory lock, read the head, hash over it, insert (its own table,
  `chained_events`);
- the log, `alerts.timeline.ledger.record` into `events`, with the sequencer
  beside it as the scheduler runs it (a process calling `seal_all` every 0.2 s)
  and then until every event is sealed.

Reported: appends/s for each and their ratio; for the log, each event's sealing
lag, from its commit to the end of the first `seal_all` pass whose signed heads
cover it. Afterwards both are verified whole. The result replaces the "Event
appends" section of docs/benchmarks.md and docs/img/log-appends.svg.

Exit status: 0 goals met and both verify; 1 measured, but a goal missed or a check
failed; 2 no valid measurement; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from alerts.audit.log_verify import verify_log
from alerts.core.db.session import make_engine, session_factory
from alerts.timeline.models import Event
from bench.harness import servers
from bench.harness.doc import DOC, code_state, describe_machine, write_section
from bench.harness.run import run
from bench.transparency import appends_doc
from bench.transparency.chained import ChainedEvent, create_table, verify_chain
from bench.transparency.profiles import profile_appends, profile_sealing
from bench.transparency.rounds import Fleet, run_round

PROFILED = 2000  # appends, and events sealed, under the profiler


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.log_appends")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer processes")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of appending")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--timeout", type=int, default=600, help="limit for the run, seconds")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    if args.writers < 1 or args.duration <= 0:
        parser.error("--writers and --duration must be positive")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL: the benchmark uses a private schema")
    return args


def check_both(engine: Engine, seed: bytes) -> appends_doc.Checks:
    """Both timelines verified whole after the run: nothing lost, doubled or misplaced."""
    factory = session_factory(engine)
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    with factory() as session:
        log = verify_log(session, public)
        events = int(session.scalar(select(func.count()).select_from(Event)) or 0)
        chain = verify_chain(session)
        chained = int(session.scalar(select(func.count()).select_from(ChainedEvent)) or 0)
    first = log.first
    return appends_doc.Checks(
        log_leaves=log.leaves,
        log_heads=log.heads,
        log_events=events,
        log_finding=None if first is None else f"{first.kind}: {first.detail}",
        chain_checked=chain.checked,
        chain_rows=chained,
        chain_finding=None if chain.finding is None else str(chain.finding),
    )


def measure(args: argparse.Namespace, workdir: Path, cleanup: ExitStack) -> int:
    """Clean-up runs in reverse: processes stopped, then the schema dropped."""
    code = "not recorded (--no-doc)" if args.no_doc else code_state("alerts/timeline")
    url = cleanup.enter_context(servers.private_schema(args.database_url))
    # The writers' and sequencer's own application_name: LockSampler counts only them.
    args.application_name = workdir.name
    ours = servers.with_query(url, application_name=workdir.name)
    engine = make_engine(url)
    cleanup.callback(engine.dispose)
    create_table(engine)
    fleet = Fleet()
    cleanup.callback(fleet.stop)
    seed, lock_key = secrets.token_bytes(32), secrets.randbits(62)
    load_before = os.getloadavg()
    chain = run_round(engine, ours, "chain", args, seed, lock_key, fleet)
    log = run_round(engine, ours, "log", args, seed, lock_key, fleet)
    load_after = os.getloadavg()
    checked = check_both(engine, seed)
    print("profiling one writer's appends and the sequencer", file=sys.stderr)
    factory = session_factory(engine)
    appends = profile_appends(url, factory, PROFILED)
    sealing = profile_sealing(url, factory, seed, PROFILED)
    with engine.connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    outcome = appends_doc.Outcome(
        chain, log, checked, args.writers, args.duration, (load_before[0], load_after[0]),
        appends, sealing,
    )  # fmt: skip
    machine = f"{describe_machine()}, PostgreSQL {postgres}"
    content = appends_doc.section(outcome, datetime.now(UTC), machine, code)
    print(content)
    if not args.no_doc:
        appends_doc.chart(outcome, appends_doc.CHART)
        write_section(DOC, appends_doc.SECTION, content)
        print(f"wrote the {appends_doc.SECTION!r} section of {DOC}", file=sys.stderr)
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv), measure, "log-appends")


if __name__ == "__main__":
    sys.exit(main())
