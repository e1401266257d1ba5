"""End to end: SMS in, tasking SMS accepted by the sandbox, at a sustained rate.

    .venv/bin/python -m bench.e2e [--rate 50] [--duration 120] [--workers 2] [--no-doc]

Starts the whole system, private to the run: a PostgreSQL database of its own
(created, migrated, dropped at the end), a private redis-server, the Twilio
sandbox (the twilio SDK pointed at it), the web app under gunicorn with
config/gunicorn.conf.py, `--workers` RQ workers and the scheduler. It loads a
generated mission (bench/e2e/network.py: bases on a grid, each with QRFs, and
informants registered to villages), then posts signed Twilio webhooks at
`--rate` alerts/s for `--duration` s, open loop (bench/e2e/traffic.py: mostly
distinct attacks, some second reports and resends). QRFs text `DONE <ref>`
`--release-after` s after their order is accepted, so they are ready again.

Per alert that led to a tasking, the time from the webhook's POST to the
sandbox accepting the tasking SMS, split by stage (bench/e2e/collect.py). The
results replace the "End to end" section of docs/benchmarks.md and its chart.

Exit status: 0 measured, p99 within the goal and nothing lost; 1 measured, but
not; 2 no valid measurement; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from alerts.core.db.session import make_engine, session_factory
from alerts.core.vault import PhoneVault, generate_key
from alerts.network.load import load_network
from bench.e2e import collect, doc, drive, prose, stack, traffic
from bench.e2e.database import WaitSampler, private_database
from bench.e2e.network import Shape, bench_network, focal_point_phone
from bench.harness import report, servers
from bench.harness.run import run

GOAL_P99_S = 1.0
WARMUP_ALERTS = 30  # untimed, before the clock: gunicorn and RQ workers import and connect


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e")
    parser.add_argument("--rate", type=float, default=50.0, help="alerts per second")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    parser.add_argument("--web-workers", type=int, help="gunicorn --workers (default: config)")
    parser.add_argument("--web-threads", type=int, help="gunicorn --threads (default: config)")
    parser.add_argument("--bases", type=int, default=40)
    parser.add_argument("--qrfs-per-base", type=int, default=5)
    parser.add_argument(
        "--release-after", type=float, default=2.0, help="seconds from an order to its DONE"
    )
    parser.add_argument(
        "--sms-per-s", type=float, default=0.0, help="ALERTS_SMS_SEGMENTS_PER_S; 0: by provider"
    )
    parser.add_argument("--clients", type=int, default=48, help="concurrent HTTP clients")
    parser.add_argument("--drain", type=float, default=300.0, help="seconds to wait after load")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--timeout", type=int, default=1200, help="limit for the run, seconds")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.workers < 1 or args.clients < 1:
        parser.error("--rate, --duration, --workers and --clients must be positive")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be PostgreSQL: the benchmark creates a database")
    return args


def measure(args: argparse.Namespace, workdir: Path, cleanup: ExitStack) -> int:
    """Clean-up runs in reverse: clients, processes and Redis stopped, the database dropped."""
    code_at_start = report.code_state()
    data_key = generate_key()
    database_url = cleanup.enter_context(private_database(args.database_url))
    engine = make_engine(database_url)
    cleanup.callback(engine.dispose)
    factory = session_factory(engine)
    shape = Shape(args.bases, args.qrfs_per_base, villages=300, focal_points=600)
    print(f"loading the bench mission: {shape.bases} bases, {shape.qrfs} QRFs", file=sys.stderr)
    load_network(factory, PhoneVault(data_key), bench_network(shape), datetime.now(UTC))
    processes = servers.Processes(workdir)
    cleanup.callback(processes.stop)
    settings = stack.app_settings(database_url, data_key, workdir.name, args.sms_per_s)
    started = stack.start(processes, settings, args.workers, (args.web_workers, args.web_threads))
    senders = traffic.sender_pool(
        [focal_point_phone(i) for i in range(shape.focal_points)], strangers=200
    )
    driver = drive.Driver(started.web_port, args.clients)
    driver.start()
    cleanup.callback(driver.stop)
    stop = threading.Event()
    cleanup.callback(stop.set)
    releaser = drive.Releaser(
        driver, started.stack.sandbox_url, started.webhook_url, args.release_after
    )
    releaser.start()
    cleanup.callback(releaser.stopping.set)
    warm = traffic.schedule(10, WARMUP_ALERTS / 10, senders, traffic.Mix(), seed=1)
    driver.feed(drive.alert_posts(started.webhook_url, warm, time.time()), stop)
    collect.wait_for_drain(factory, [a.sid for a in warm], 120)
    driver.results.alerts.clear()  # the warm-up is not measured

    alerts = traffic.schedule(args.rate, args.duration, senders, traffic.Mix())
    since = datetime.now(UTC)
    start = time.time() + 1.0
    posts = drive.alert_posts(started.webhook_url, alerts, start)
    meter = stack.CpuMeter(processes)
    print(f"posting {len(posts)} alerts at {args.rate:g}/s", file=sys.stderr)
    with WaitSampler(engine, workdir.name, started.stack.redis_url) as sampler:
        meter.start(start)
        driver.feed(posts, stop)
        while driver.work.qsize() and time.time() < start + args.duration + 30:
            time.sleep(0.05)
        cpu = meter.stop(time.time())
        sids = [a.sid for a in alerts]
        waited, unhandled, unsent = collect.wait_for_drain(factory, sids, args.drain)
        ended = time.time()
    releaser.stopping.set()
    processes.check()
    kinds: dict[str, str] = {a.sid: a.kind for a in alerts}
    paths = collect.paths(factory, started.stack.redis_url, kinds, started.stack.sandbox_url)
    answered = sum(200 <= p.status < 300 for p in driver.results.alerts.values())
    found = collect.integrity(factory, started.stack.redis_url, started.stack.sandbox_url,
                              paths, answered, since)  # fmt: skip
    # Redis warns about the host's memory overcommit setting at start-up: not ours to judge.
    trouble = {name: processes.trouble(name)[0] for name in processes.started if name != "redis"}
    outcome = doc.Outcome(
        args=vars(args), shape=shape, start=start, posted=driver.results, paths=paths,
        integrity=found, cpu=cpu, drain=(waited, unhandled, unsent), waits=sampler.summary(),
        backlog=sampler.backlog, releases=releaser.taskings, ended=ended, trouble=trouble,
    )  # fmt: skip
    print(doc.terminal(outcome))
    if not args.no_doc:
        code = report.code_state()
        if code != code_at_start:
            code = f"{code_at_start} when the run began, {code} by its end"
        machine = report.describe_machine(engine, started.stack.redis_url)
        gunicorn = report.gunicorn_line(started.gunicorn, started.flags)
        prose.write(outcome, datetime.now(UTC), machine, code, gunicorn)
    good = outcome.e2e.p99 <= GOAL_P99_S and found.ok and not unhandled and not unsent
    return 0 if good else 1


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv), measure, "e2e")


if __name__ == "__main__":
    sys.exit(main())
