"""Escalation timing: deadlines kept in the database against RQ delayed jobs, same run.

    .venv/bin/python -m bench.escalation [--alerts N] [--no-doc]

Starts a private PostgreSQL schema (migrated; the example network with two more
QRFs per open base and a short ACK timeout), a private redis-server, the Twilio
sandbox, the web app under gunicorn, two RQ workers and the scheduler. Each run
texts alerts through the sandbox and nobody acknowledges, so every deadline of
every escalation chain fires; each is timed twice: fired (its
`tasking.deadline_missed` event) minus due, and the base commander's SMS
accepted by the sandbox minus due. Runs: (a) nothing killed, (b) a worker
SIGKILLed inside a hung send, (c) the scheduler SIGKILLed and restarted after
the shipped systemd units' RestartSec. After each, the baseline: as many RQ
delayed jobs (`enqueue_at`) on two fresh workers started `--with-scheduler`,
(a') nothing killed, (b') the worker running one SIGKILLed inside its hung
send, (c') the worker holding RQ's scheduler lock SIGKILLed and restarted.

The results replace the "Escalation timing" section of docs/benchmarks.md.
Everything is removed at the end, on error, Ctrl-C or --timeout too.

Exit status: 0 every deadline of (a) and (b) fired within 5 s, the issue's
promise; 1 measured, but some did not; 2 no valid measurement; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from alerts.bootstrap import service_context
from alerts.core.db.session import make_engine, session_factory
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault, generate_key
from alerts.network.load import load_network
from bench.escalation_doc import RUNS, SECTION, Outcome, terminal
from bench.escalation_measure import sent_twice
from bench.escalation_prose import section
from bench.escalation_runs import PLACES, Bench, Run, progress
from bench.escalation_stack import bench_network, start_stack
from bench.harness import report, servers
from bench.harness.doc import write_section
from bench.harness.run import run

DOC = servers.ROOT / "docs" / "benchmarks.md"
SEND_JOB = re.compile(r"completed send_sms\(\d+\) job in 0:00:(\d+\.\d+)s")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.escalation")
    parser.add_argument("--alerts", type=int, default=9, help="alerts per run, 4 deadlines each")
    parser.add_argument("--spacing", type=float, default=2.0, help="seconds between alerts")
    parser.add_argument("--ack-timeout", type=float, default=4.0, help="ALERTS_ACK_TIMEOUT_S")
    parser.add_argument(
        "--sms-per-s",
        type=float,
        default=0.0,
        help="ALERTS_SMS_SEGMENTS_PER_S; 0: no pacing by the app",
    )
    parser.add_argument(
        "--wait", type=float, default=15.0, help="baseline: seconds to wait after the last due time"
    )
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--timeout", type=int, default=600, help="limit for the run, seconds")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    if args.alerts < 1 or args.spacing <= 0 or args.ack_timeout <= 0 or args.sms_per_s < 0:
        parser.error("--alerts, --spacing and --ack-timeout must be positive")
    if args.alerts * len(RUNS) > PLACES:
        parser.error(f"--alerts: at most {PLACES // len(RUNS)}, one place per alert")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL: the benchmark uses a private schema")
    return args


def measure(args: argparse.Namespace, workdir: Path, cleanup: ExitStack) -> int:
    """Clean-up runs in reverse: processes and Redis stopped, then the schema dropped."""
    code_at_start, load_at_start = report.code_state(), os.getloadavg()
    began = datetime.now(UTC)
    data_key = generate_key()
    database_url = cleanup.enter_context(servers.private_schema(args.database_url))
    engine = make_engine(database_url)
    cleanup.callback(engine.dispose)
    progress("loading the example network, with more QRFs")
    network = bench_network(args.ack_timeout)
    load_network(session_factory(engine), PhoneVault(data_key), network, began)
    processes = servers.Processes(workdir)
    cleanup.callback(processes.stop)
    redis_url = servers.start_redis(processes, workdir)
    settings = {
        "ALERTS_DATABASE_URL": servers.with_query(database_url, application_name=workdir.name),
        "ALERTS_SECRET_KEY": secrets.token_urlsafe(32),
        "ALERTS_DATA_KEY": data_key,
        "ALERTS_ACK_TIMEOUT_S": str(args.ack_timeout),
        "ALERTS_SMS_SEGMENTS_PER_S": str(args.sms_per_s),
        "ALERTS_LOG_LEVEL": "INFO",
    }
    stack = start_stack(processes, settings, redis_url, workers=2)
    ctx = service_context(Settings.from_env(stack.env), engine=engine)
    bench = Bench(stack, ctx, args.alerts, args.spacing, args.ack_timeout, args.wait)
    load_at_runs = os.getloadavg()
    runs: list[Run] = []
    for label, title, hurt, naive_title, naive_hurt in RUNS:
        ours = bench.system_run(label, title, hurt)
        runs += [ours, bench.naive_run(f"{label}'", naive_title, len(ours.firings), naive_hurt)]
    processes.check()
    duplicated = sent_twice(stack.twilio, ctx.factory)  # the sends hung in (b), (b') are back
    logs = sorted(workdir.glob("*.log"))
    trouble = {log.stem: processes.trouble(log.stem)[0] for log in logs}
    schedulers = [log for log in logs if log.stem.startswith("scheduler")]
    requeued = sum(log.read_text(errors="replace").count("queued again") for log in schedulers)
    loads = (load_at_start, load_at_runs, os.getloadavg())
    outcome = Outcome(runs, duplicated, requeued, send_job_s(logs), trouble, loads)
    print(terminal(outcome))
    if not args.no_doc:
        code = report.code_state()
        if code != code_at_start:
            code = f"{code_at_start} when the run began, {code} by its end"
        machine = report.describe_machine(engine, redis_url)
        doc = section(began, machine, code, vars(args), outcome)
        write_section(DOC, SECTION, doc)
        progress(f"\nwrote the '{SECTION[3:]}' section of {DOC}")
    # The promise covers (a) and (b); (c), a scheduler crash, is reported, not judged.
    spreads = [run.fired() for run in runs if run.label in ("a", "b")]
    return 0 if all(s.missing == 0 and s.within == s.count for s in spreads) else 1


def send_job_s(logs: list[Path]) -> float | None:
    """The median send_sms job, as RQ logged it ("... job in 0:00:00.481743s")."""
    durations = [
        float(found)
        for log in logs
        if log.stem.startswith("worker")
        for found in SEND_JOB.findall(log.read_text(errors="replace"))
    ]
    return statistics.median(durations) if durations else None


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv), measure, "escalation")


if __name__ == "__main__":
    sys.exit(main())
