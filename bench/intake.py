"""Webhook intake under load: the real app against a no-op Flask app, same gunicorn, same run.

    .venv/bin/python -m bench.intake [--requests N] [--concurrency C]

Starts a private PostgreSQL schema (migrated, the example network loaded), a
private redis-server and two gunicorn servers with config/gunicorn.conf.py:
`alerts.web:create_app()` and `bench.noop_app:create_app()`. Each gets N
distinct, signed Twilio webhooks from C keep-alive clients; then the schema and
Redis are checked for lost work. The results replace the "Intake webhook"
section of docs/benchmarks.md. Everything is removed at the end, on error,
Ctrl-C or --timeout too.

Exit status: 0 clean; 1 measured, but with errors, lost work or trouble in the
servers' logs; 2 no valid measurement; 130 interrupted.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import threading
from contextlib import ExitStack
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from alerts.cli.network import read_network_file
from alerts.core.db.session import make_engine, session_factory
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from alerts.core.vault import PhoneVault, generate_key
from alerts.network.load import load_network
from alerts.supervisor import free_port
from bench.harness import checks, load, report, servers
from bench.harness.doc import write_section
from bench.harness.run import run

DOC = servers.ROOT / "docs" / "benchmarks.md"
NETWORK_FILE = servers.ROOT / "config" / "network.example.yaml"
NOOP, APP = "no-op Flask", "community-alerts"
SERVERS = {NOOP: "bench.noop_app:create_app()", APP: "alerts.web:create_app()"}
WARMUP = 100  # untimed webhooks per server first: workers import the app, pools fill up
SENDERS = 300  # distinct From numbers: the 16 registered focal points, then strangers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.intake")
    parser.add_argument("--requests", type=int, default=2000, help="timed webhooks per app")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, help="gunicorn --workers (default: the config's)")
    parser.add_argument("--threads", type=int, help="gunicorn --threads (default: the config's)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--timeout", type=int, default=300, help="limit for the run, seconds")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be positive")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL: the benchmark uses a private schema")
    return args


def measure(args: argparse.Namespace, workdir: Path, cleanup: ExitStack) -> int:
    """Clean-up runs in reverse: clients, servers and Redis stopped, then the schema dropped."""
    code_at_start = report.code_state()
    data_key = generate_key()
    database_url = cleanup.enter_context(servers.private_schema(args.database_url))
    engine = make_engine(database_url)
    cleanup.callback(engine.dispose)
    print("loading the example network", file=sys.stderr)
    network = read_network_file(NETWORK_FILE)
    load_network(session_factory(engine), PhoneVault(data_key), network, datetime.now(UTC))
    processes = servers.Processes(workdir)
    cleanup.callback(processes.stop)
    redis_url = servers.start_redis(processes, workdir)
    settings = _server_settings(database_url, redis_url, data_key, workdir)
    stop = threading.Event()
    cleanup.callback(stop.set)
    rng = random.Random(20240601)  # the same bodies and senders every run; fresh sids
    senders = load.sender_pool(SENDERS)
    flags = servers.gunicorn_flags(args.workers, args.threads)
    ports: dict[str, int] = {}
    timed: dict[str, list[load.SignedRequest]] = {}
    gunicorn: dict[str, str] = {}
    for name, spec in SERVERS.items():
        ports[name] = port = free_port()
        env = servers.server_env({**settings, "ALERTS_PUBLIC_URL": f"http://127.0.0.1:{port}"})
        argv = servers.gunicorn_argv(spec, port, flags)
        gunicorn = gunicorn or servers.gunicorn_settings(argv, env)
        print(f"starting gunicorn for {name} on port {port}", file=sys.stderr)
        servers.start_gunicorn(processes, name, argv, env)
        url = f"http://127.0.0.1:{port}{load.WEBHOOK_PATH}"
        warm = load.signed_traffic(url, WARMUP, senders, rng)
        timed[name] = load.signed_traffic(url, args.requests, senders, rng)
        cpu = partial(processes.cpu_s, name)
        warmed = load.drive(name, port, warm, args.concurrency, stop, cpu, progress=False)
        if warmed.errors:  # a set-up fault must not be timed as if it were the app
            raise RuntimeError(f"{name}: {warmed.errors} warm-up errors {dict(warmed.statuses)}")

    def run(name: str) -> load.Result:
        cpu = partial(processes.cpu_s, name)
        return load.drive(name, ports[name], timed[name], args.concurrency, stop, cpu)

    noop = run(NOOP)
    with checks.LockSampler(engine, workdir.name) as sampler:
        app = run(APP)
    processes.check()
    sids = [request.sid for request in timed[APP]]
    found = checks.check(engine, redis_url, sids, expected_total=WARMUP + args.requests)
    outcome = report.Outcome(noop, app, sampler.summary(), found)

    report.print_results(outcome)
    trouble = bool(app.errors or noop.errors) or not found.ok
    for name in SERVERS:
        count, lines = processes.trouble(name)
        if count:
            trouble = True
            print(f"\n{name}.log: {count} lines of trouble, the first ones:", *lines, sep="\n  ")

    if not args.no_doc:
        _write_doc(args, engine, redis_url, code_at_start, (gunicorn, flags), outcome)
    return 1 if trouble else 0


def _server_settings(
    database_url: str, redis_url: str, data_key: str, workdir: Path
) -> dict[str, str]:
    """The environment both servers run with, besides their own public URL."""
    return {
        # Our own application_name tells the app's sessions from others' in pg_stat_activity.
        "ALERTS_DATABASE_URL": servers.with_query(database_url, application_name=workdir.name),
        "ALERTS_REDIS_URL": redis_url,
        "ALERTS_SECRET_KEY": secrets.token_urlsafe(32),
        "ALERTS_DATA_KEY": data_key,
        "ALERTS_SMS_AUTO_REPLY": "1",
        "ALERTS_LOG_LEVEL": "INFO",
        "TWILIO_ACCOUNT_SID": SANDBOX_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": SANDBOX_AUTH_TOKEN,
    }


def _write_doc(
    args: argparse.Namespace,
    engine: Engine,
    redis_url: str,
    code_at_start: str,
    gunicorn: tuple[dict[str, str], list[str]],
    outcome: report.Outcome,
) -> None:
    """Replace the doc's section with this run's, naming the code as it was measured."""
    code = report.code_state()
    if code != code_at_start:
        code = f"{code_at_start} when the servers started, {code} by the end"
    load_line = (
        f"N = {args.requests} distinct, signed webhooks per app after {WARMUP} warm-up ones, "
        f"C = {args.concurrency} keep-alive clients, {SENDERS} fictional senders (16 of "
        "them registered focal points)"
    )
    machine = report.describe_machine(engine, redis_url)
    gunicorn_line = report.gunicorn_line(*gunicorn)
    doc = report.section(datetime.now(UTC), machine, code, gunicorn_line, load_line, outcome)
    write_section(DOC, report.SECTION, doc, header=report.HEADER)
    print(f"\nwrote the '{report.SECTION[3:]}' section of {DOC}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv), measure, "intake")


if __name__ == "__main__":
    sys.exit(main())
